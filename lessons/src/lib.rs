//! Podlab's lessons, as data compiled into the app.
//!
//! The text lives in `lessons/content/<id>/<language>.md`; the build script
//! checks it and renders its Markdown to HTML, so this crate is nothing but
//! static data and a few lookups. Lessons speak to the cluster only through
//! `podlab-core`'s public API; this crate does not even depend on it yet.

#![forbid(unsafe_code)]

#[cfg(test)]
mod source;

/// A language the lessons are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag, as used in file names and the `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself, for a language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The lesson language that suits a browser language tag such as
    /// `en-GB` or `zh-Hans-CN`, if any. Traditional Chinese tags do not match
    /// Simplified Chinese: a reader of one may not read the other.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        let mut parts = tag.split(['-', '_']);
        match parts.next()? {
            "en" => Some(Lang::En),
            "zh" => {
                let rest: Vec<&str> = parts.collect();
                let traditional = rest
                    .iter()
                    .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"));
                let simplified = rest.iter().any(|p| matches!(*p, "hans" | "cn" | "sg"));
                if traditional && !simplified {
                    None
                } else {
                    Some(Lang::ZhCn)
                }
            }
            _ => None,
        }
    }

    /// The first of the reader's preferred languages that lessons exist in,
    /// else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }
}

/// A lesson's text in one language.
#[derive(Debug, PartialEq, Eq)]
pub struct LessonText {
    pub lang: Lang,
    pub title: &'static str,
    /// One or two sentences for the lesson list.
    pub summary: &'static str,
    /// The lesson body, rendered from Markdown at build time.
    pub body_html: &'static str,
}

/// One lesson, in English and any translations.
#[derive(Debug, PartialEq, Eq)]
pub struct Lesson {
    /// Stable and URL-safe: lowercase letters, digits and `-`.
    pub id: &'static str,
    en: LessonText,
    translations: &'static [LessonText],
}

impl Lesson {
    /// The text in `lang`, or in English where no translation exists yet.
    pub fn text(&self, lang: Lang) -> &LessonText {
        self.translations
            .iter()
            .find(|t| t.lang == lang)
            .unwrap_or(&self.en)
    }

    pub fn title(&self, lang: Lang) -> &'static str {
        self.text(lang).title
    }

    pub fn summary(&self, lang: Lang) -> &'static str {
        self.text(lang).summary
    }

    pub fn body_html(&self, lang: Lang) -> &'static str {
        self.text(lang).body_html
    }

    /// The languages this lesson is written in, English first.
    pub fn languages(&self) -> impl Iterator<Item = Lang> + '_ {
        std::iter::once(self.en.lang).chain(self.translations.iter().map(|t| t.lang))
    }
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// Every lesson, in syllabus order.
pub fn all() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.id == id)
}

#[cfg(test)]
mod tests;
