use super::*;

mod content {
    use super::*;

    #[test]
    fn the_syllabus_opens_with_pods_in_english_and_chinese() {
        let ids: Vec<&str> = all().iter().map(|l| l.id).collect();
        assert_eq!(ids.first(), Some(&"pods"));
        let pods = find("pods").expect("pods lesson");
        assert_eq!(pods.languages().collect::<Vec<_>>(), [Lang::En, Lang::ZhCn]);
        assert_eq!(pods.title(Lang::En), "Pods");
        assert_eq!(pods.title(Lang::ZhCn), "Pod");
        assert!(pods.summary(Lang::ZhCn).contains("最小单位"));
    }

    #[test]
    fn markdown_is_rendered_to_html_at_build_time() {
        let body = find("pods").expect("pods lesson").body_html(Lang::En);
        for expected in [
            "<h2>What a Pod is</h2>",
            "<code class=\"language-yaml\">",
            "kubectl apply -f pod.yaml\npod/nginx created",
            "<strong>Pod</strong>",
        ] {
            assert!(body.contains(expected), "missing {expected:?} in:\n{body}");
        }
        assert!(
            !body.contains("---\ntitle"),
            "front matter leaked into the body"
        );
    }

    #[test]
    fn every_lesson_has_a_plain_id_and_non_empty_text_in_each_language() {
        for lesson in all() {
            assert!(source::is_valid_id(lesson.id), "{}", lesson.id);
            for lang in lesson.languages() {
                let text = lesson.text(lang);
                assert_eq!(text.lang, lang);
                assert!(!text.title.is_empty() && !text.summary.is_empty());
                assert!(!text.body_html.trim().is_empty(), "{} {lang:?}", lesson.id);
            }
        }
    }

    #[test]
    fn lesson_ids_are_unique() {
        let mut ids: Vec<&str> = all().iter().map(|l| l.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all().len());
    }

    #[test]
    fn an_unknown_id_finds_nothing() {
        assert_eq!(find("no-such-lesson"), None);
        assert_eq!(find(""), None);
    }
}

mod lang {
    use super::*;

    #[test]
    fn each_language_has_a_source_file_name_that_maps_back_to_it() {
        for lang in Lang::ALL {
            assert_eq!(
                source::lang_variant(lang.code()),
                Some(format!("Lang::{lang:?}").as_str())
            );
        }
        assert_eq!(source::LANGUAGES.len(), Lang::ALL.len());
    }

    #[test]
    fn browser_tags_map_to_lesson_languages() {
        let cases: &[(&str, &str, Option<Lang>)] = &[
            ("plain English", "en", Some(Lang::En)),
            ("regional English", "en-GB", Some(Lang::En)),
            ("upper-case tag", "EN-us", Some(Lang::En)),
            ("bare Chinese", "zh", Some(Lang::ZhCn)),
            ("mainland Chinese", "zh-CN", Some(Lang::ZhCn)),
            ("simplified script", "zh-Hans", Some(Lang::ZhCn)),
            (
                "simplified script with region",
                "zh-Hans-TW",
                Some(Lang::ZhCn),
            ),
            ("underscore separator", "zh_CN", Some(Lang::ZhCn)),
            ("Taiwan Chinese is traditional", "zh-TW", None),
            ("traditional script", "zh-Hant", None),
            ("Hong Kong Chinese", "zh-HK", None),
            ("a language without lessons", "de-DE", None),
            ("empty tag", "", None),
        ];
        for (name, tag, expected) in cases {
            assert_eq!(Lang::from_tag(tag), *expected, "{name}: {tag:?}");
        }
    }

    #[test]
    fn negotiation_takes_the_first_supported_preference_else_english() {
        let cases: &[(&str, &[&str], Lang)] = &[
            ("no preferences", &[], Lang::En),
            ("only unsupported", &["fr", "zh-TW"], Lang::En),
            ("first supported wins", &["fr", "zh-CN", "en"], Lang::ZhCn),
            ("English before Chinese", &["en-US", "zh"], Lang::En),
        ];
        for (name, preferred, expected) in cases {
            assert_eq!(
                Lang::negotiate(preferred.iter().copied()),
                *expected,
                "{name}"
            );
        }
    }
}

mod front_matter {
    use super::source::{parse_document, parse_syllabus, Document};

    fn doc(title: &str, summary: &str, body: &'static str) -> Document<'static> {
        Document {
            title: title.to_string(),
            summary: summary.to_string(),
            body,
        }
    }

    #[test]
    fn well_formed_documents_split_into_fields_and_body() {
        let cases: &[(&str, &str, Document)] = &[
            (
                "title and summary",
                "---\ntitle: Pods\nsummary: Small.\n---\nBody\n",
                doc("Pods", "Small.", "Body\n"),
            ),
            (
                "keys in any order, blank lines ignored",
                "---\nsummary: S\n\ntitle: T\n---\n",
                doc("T", "S", ""),
            ),
            (
                "Windows line endings and a byte order mark",
                "\u{feff}---\r\ntitle: T\r\nsummary: S\r\n---\r\n# H\r\n",
                doc("T", "S", "# H\r\n"),
            ),
            (
                "colons inside a value are kept",
                "---\ntitle: Pods: the basics\nsummary: S\n---\n",
                doc("Pods: the basics", "S", ""),
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(parse_document(input).as_ref(), Ok(expected), "{name}");
        }
    }

    #[test]
    fn malformed_documents_are_rejected_with_a_reason() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "no front matter",
                "# Pods\n",
                "line 1: expected front matter",
            ),
            ("empty file", "", "line 1: expected front matter"),
            ("unclosed", "---\ntitle: T\n", "not closed"),
            ("missing summary", "---\ntitle: T\n---\n", "no summary"),
            ("missing title", "---\nsummary: S\n---\n", "no title"),
            (
                "unknown key",
                "---\ntitle: T\nsumary: S\n---\n",
                "line 3: unknown key \"sumary\"",
            ),
            (
                "duplicate key",
                "---\ntitle: T\ntitle: U\nsummary: S\n---\n",
                "line 3: \"title\" is given twice",
            ),
            (
                "empty value",
                "---\ntitle:\nsummary: S\n---\n",
                "line 2: \"title\" has no value",
            ),
            (
                "line without colon",
                "---\ntitle T\n---\n",
                "line 2: expected 'key: value'",
            ),
        ];
        for (name, input, expected) in cases {
            match parse_document(input) {
                Ok(doc) => panic!("{name}: accepted as {doc:?}"),
                Err(e) => assert!(e.contains(expected), "{name}: {e:?} lacks {expected:?}"),
            }
        }
    }

    #[test]
    fn syllabus_lists_ids_in_order_and_rejects_bad_ones() {
        assert_eq!(
            parse_syllabus("# order\npods\n\n  deployments  \n"),
            Ok(vec!["pods".to_string(), "deployments".to_string()])
        );
        let cases: &[(&str, &str, &str)] = &[
            ("nothing listed", "# only a comment\n", "no lesson"),
            (
                "duplicate id",
                "pods\npods\n",
                "line 2: lesson id \"pods\" is listed twice",
            ),
            ("upper-case id", "Pods\n", "line 1: lesson id \"Pods\""),
            ("id with a slash", "pods/../x\n", "must be lowercase"),
            ("id starting with a dash", "-pods\n", "must be lowercase"),
        ];
        for (name, input, expected) in cases {
            match parse_syllabus(input) {
                Ok(ids) => panic!("{name}: accepted as {ids:?}"),
                Err(e) => assert!(e.contains(expected), "{name}: {e:?} lacks {expected:?}"),
            }
        }
    }
}
