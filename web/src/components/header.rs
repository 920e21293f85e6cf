use podlab_lessons::Lang;
use yew::prelude::*;

use crate::i18n::texts;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub lang: Lang,
    pub on_lang: Callback<Lang>,
}

#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let t = texts(props.lang);
    let buttons = Lang::ALL.iter().map(|&lang| {
        let on_lang = props.on_lang.clone();
        let pressed = lang == props.lang;
        html! {
            <button
                key={lang.code()}
                type="button"
                lang={lang.code()}
                aria-pressed={if pressed { "true" } else { "false" }}
                onclick={move |_| on_lang.emit(lang)}
            >
                { lang.native_name() }
            </button>
        }
    });
    html! {
        <header class="header">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⎈" }</span>
                <span class="name">{ "Podlab" }</span>
                <span class="tagline">{ t.tagline }</span>
            </div>
            <nav class="lang-switch" aria-label={t.language}>
                { for buttons }
            </nav>
        </header>
    }
}
