//! The app's own words (lesson text lives in `podlab-lessons`).
//!
//! Kubernetes names, kubectl commands and column headers are never
//! translated: a learner must recognise them on a real cluster.

use podlab_lessons::Lang;

pub struct Texts {
    pub tagline: &'static str,
    pub language: &'static str,
    pub lessons: &'static str,
    pub cluster: &'static str,
    pub all_lessons: &'static str,
    pub taint: &'static str,
}

const EN: Texts = Texts {
    tagline: "A Kubernetes cluster in your browser",
    language: "Language",
    lessons: "Lessons",
    cluster: "Cluster",
    all_lessons: "All lessons",
    taint: "Taint",
};

const ZH_CN: Texts = Texts {
    tagline: "浏览器里的 Kubernetes 集群",
    language: "语言",
    lessons: "课程",
    cluster: "集群",
    all_lessons: "全部课程",
    taint: "污点",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH_CN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_text() {
        for lang in Lang::ALL {
            let t = texts(lang);
            for (field, value) in [
                ("tagline", t.tagline),
                ("language", t.language),
                ("lessons", t.lessons),
                ("cluster", t.cluster),
                ("all_lessons", t.all_lessons),
                ("taint", t.taint),
            ] {
                assert!(!value.trim().is_empty(), "{lang:?} lacks {field}");
            }
        }
    }
}
