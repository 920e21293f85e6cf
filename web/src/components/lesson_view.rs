use podlab_lessons::{Lang, Lesson};
use yew::prelude::*;

use crate::i18n::texts;

#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    pub lang: Lang,
    pub lesson: &'static Lesson,
    pub on_close: Callback<()>,
}

#[function_component]
pub fn LessonView(props: &LessonViewProps) -> Html {
    let text = props.lesson.text(props.lang);
    let on_close = props.on_close.clone();
    // The body was rendered from the repository's own Markdown at build time.
    let body = Html::from_html_unchecked(AttrValue::Static(text.body_html));
    html! {
        <article class="panel lesson" lang={text.lang.code()}>
            <button type="button" class="back" onclick={move |_| on_close.emit(())}>
                { "← " }{ texts(props.lang).all_lessons }
            </button>
            <h2>{ text.title }</h2>
            <div class="lesson-body">{ body }</div>
        </article>
    }
}
