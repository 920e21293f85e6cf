use podlab_lessons::{Lang, Lesson};
use yew::prelude::*;

use crate::i18n::texts;

#[derive(Properties, PartialEq)]
pub struct LessonListProps {
    pub lang: Lang,
    pub lessons: &'static [Lesson],
    pub on_open: Callback<&'static str>,
}

#[function_component]
pub fn LessonList(props: &LessonListProps) -> Html {
    let lang = props.lang;
    let items = props.lessons.iter().enumerate().map(|(index, lesson)| {
        let on_open = props.on_open.clone();
        let id = lesson.id;
        html! {
            <li key={id}>
                <button type="button" class="lesson-card" onclick={move |_| on_open.emit(id)}>
                    <span class="lesson-number">{ index + 1 }</span>
                    <span class="lesson-text">
                        <span class="lesson-title">{ lesson.title(lang) }</span>
                        <span class="lesson-summary">{ lesson.summary(lang) }</span>
                    </span>
                </button>
            </li>
        }
    });
    html! {
        <section class="panel lessons" aria-labelledby="lessons-heading">
            <h2 id="lessons-heading">{ texts(lang).lessons }</h2>
            <ol class="lesson-list">{ for items }</ol>
        </section>
    }
}
