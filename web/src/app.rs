//! The root component: owns the state and the cluster, wires callbacks.

use std::rc::Rc;

use podlab_core::{Cluster, ClusterConfig};
use podlab_lessons::Lang;
use yew::prelude::*;

use crate::browser;
use crate::components::{ClusterPanel, Header, LessonList, LessonView};
use crate::state::{Action, AppState};

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let preferred = browser::preferred_languages();
        AppState::new(Lang::negotiate(preferred.iter().map(String::as_str)))
    });
    let cluster = use_memo((), |_| Cluster::new(ClusterConfig::default()));
    let nodes = Rc::new(cluster.nodes());

    use_effect_with(state.lang, |lang| browser::set_document_lang(*lang));

    let actions = state.dispatcher().to_callback();
    let on_lang = actions.reform(Action::SetLang);
    let on_open = actions.reform(Action::OpenLesson);
    let on_close = actions.reform(|()| Action::CloseLesson);

    let lang = state.lang;
    let lessons = match state.open_lesson.and_then(podlab_lessons::find) {
        Some(lesson) => html! { <LessonView {lang} {lesson} {on_close} /> },
        None => html! { <LessonList {lang} lessons={podlab_lessons::all()} {on_open} /> },
    };

    html! {
        <div class="app">
            <Header {lang} {on_lang} />
            <main class="layout">
                { lessons }
                <ClusterPanel {lang} {nodes} />
            </main>
        </div>
    }
}
