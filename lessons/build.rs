//! Turns `content/` into Rust data: each lesson's front matter and its
//! Markdown body rendered to HTML, so the app ships neither a Markdown parser
//! nor a file loader.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "src/source.rs"]
mod source;

fn main() {
    let content = PathBuf::from("content");
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=src/source.rs");
    match generate(&content) {
        Ok(code) => {
            let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
            fs::write(out.join("lessons.rs"), code).expect("write generated lessons");
        }
        Err(message) => {
            // A broken lesson must stop the build with a message naming the file.
            eprintln!("error: {message}");
            std::process::exit(1);
        }
    }
}

fn generate(content: &Path) -> Result<String, String> {
    let syllabus_path = content.join("syllabus.txt");
    let syllabus = read(&syllabus_path)?;
    let ids = source::parse_syllabus(&syllabus)
        .map_err(|e| format!("{}: {e}", syllabus_path.display()))?;
    check_no_unlisted_folders(content, &ids)?;

    let mut code = String::from("pub(crate) static LESSONS: &[Lesson] = &[\n");
    for id in &ids {
        let dir = content.join(id);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut texts = Vec::new();
        for (code_name, variant) in source::LANGUAGES {
            let path = dir.join(format!("{code_name}.md"));
            println!("cargo:rerun-if-changed={}", path.display());
            if !path.exists() {
                continue;
            }
            let text = read(&path)?;
            let doc =
                source::parse_document(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            texts.push((variant, doc.title, doc.summary, render_markdown(doc.body)));
        }
        check_only_known_files(&dir)?;
        let mut texts = texts.into_iter();
        let Some(en) = texts.next().filter(|t| t.0 == "Lang::En") else {
            return Err(format!("{}: en.md is required", dir.display()));
        };
        writeln!(
            code,
            "    Lesson {{\n        id: {id:?},\n        en: {},",
            text_literal(&en)
        )
        .map_err(|e| e.to_string())?;
        code.push_str("        translations: &[\n");
        for text in texts {
            writeln!(code, "            {},", text_literal(&text)).map_err(|e| e.to_string())?;
        }
        code.push_str("        ],\n    },\n");
    }
    code.push_str("];\n");
    Ok(code)
}

fn text_literal((variant, title, summary, body_html): &(&str, String, String, String)) -> String {
    format!(
        "LessonText {{ lang: {variant}, title: {title:?}, summary: {summary:?}, body_html: {body_html:?} }}"
    )
}

fn render_markdown(body: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(body, options));
    out
}

fn check_no_unlisted_folders(content: &Path, ids: &[String]) -> Result<(), String> {
    for entry in list(content)? {
        if entry.is_dir() {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !ids.iter().any(|id| id == name) {
                return Err(format!(
                    "{}: folder is not listed in syllabus.txt",
                    entry.display()
                ));
            }
        }
    }
    Ok(())
}

fn check_only_known_files(dir: &Path) -> Result<(), String> {
    for entry in list(dir)? {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let known = name
            .strip_suffix(".md")
            .is_some_and(|stem| source::lang_variant(stem).is_some());
        if !known {
            return Err(format!(
                "{}: expected only <language>.md files, one of: {}",
                entry.display(),
                source::LANGUAGES.map(|(c, _)| c).join(", ")
            ));
        }
    }
    Ok(())
}

fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(|e| format!("{}: {e}", dir.display()))?.path());
    }
    paths.sort();
    Ok(paths)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
