//! The app's state and the actions that change it.

use std::rc::Rc;

use podlab_lessons::Lang;
use yew::Reducible;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppState {
    pub lang: Lang,
    /// The id of the lesson being read; `None` shows the lesson list.
    pub open_lesson: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    SetLang(Lang),
    OpenLesson(&'static str),
    CloseLesson,
}

impl AppState {
    pub fn new(lang: Lang) -> Self {
        AppState {
            lang,
            open_lesson: None,
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = match action {
            Action::SetLang(lang) => AppState {
                lang,
                ..(*self).clone()
            },
            // An id from a stale link must not leave the page blank.
            Action::OpenLesson(id) if podlab_lessons::find(id).is_some() => AppState {
                open_lesson: Some(id),
                ..(*self).clone()
            },
            Action::OpenLesson(_) | Action::CloseLesson => AppState {
                open_lesson: None,
                ..(*self).clone()
            },
        };
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_move_the_state_as_a_reader_expects() {
        let start = AppState::new(Lang::En);
        let reading = AppState {
            open_lesson: Some("pods"),
            ..start.clone()
        };
        let cases: &[(&str, &AppState, Action, AppState)] = &[
            (
                "switching language keeps the open lesson",
                &reading,
                Action::SetLang(Lang::ZhCn),
                AppState {
                    lang: Lang::ZhCn,
                    open_lesson: Some("pods"),
                },
            ),
            (
                "opening a lesson shows it",
                &start,
                Action::OpenLesson("pods"),
                reading.clone(),
            ),
            (
                "opening an unknown lesson falls back to the list",
                &reading,
                Action::OpenLesson("no-such-lesson"),
                start.clone(),
            ),
            (
                "closing returns to the list",
                &reading,
                Action::CloseLesson,
                start.clone(),
            ),
        ];
        for (name, before, action, expected) in cases {
            let after = Rc::new((*before).clone()).reduce(action.clone());
            assert_eq!(*after, *expected, "{name}");
        }
    }

    #[test]
    fn an_action_that_changes_nothing_keeps_the_same_state() {
        let state = Rc::new(AppState::new(Lang::En));
        let after = state.clone().reduce(Action::SetLang(Lang::En));
        assert!(Rc::ptr_eq(&state, &after));
    }
}
