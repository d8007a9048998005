//! The modules of the core, and of the server above it, read from the
//! bottom up: no module reaches, through the modules it uses, back to
//! itself. Read from the code's own paths (`crate::module`), tests aside.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level module each source file belongs to, and its text without
/// its tests.
fn sources(dir: &Path, top: Option<&str>, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            sources(&path, Some(top.unwrap_or(&name)), out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = match top {
                Some(top) => top.to_owned(),
                None if name == "lib" || name == "main" => continue,
                None => name,
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
            out.push((module, code));
        }
    }
}

/// The modules named after `crate::` in `code`.
fn named_in(code: &str) -> impl Iterator<Item = &str> {
    const PREFIX: &str = "crate::";
    code.match_indices(PREFIX).map(move |(at, _)| {
        let rest = &code[at + PREFIX.len()..];
        let end = rest.find(|c: char| !(c.is_ascii_lowercase() || c == '_')).unwrap_or(rest.len());
        &rest[..end]
    })
}

/// Module → the modules it uses, for the crate whose sources are in `src`
/// (relative to the core's folder).
fn graph(src: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    sources(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(src), None, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &files {
        let uses = graph.entry(module.clone()).or_default();
        for used in named_in(code) {
            if used != module && modules.contains(used) {
                uses.insert(used.to_owned());
            }
        }
    }
    graph
}

/// A path from `from` back to `to` through `graph`, if any.
fn path_back(
    graph: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    to: &str,
    seen: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if !seen.insert(from.to_owned()) {
        return None;
    }
    for next in graph.get(from).into_iter().flatten() {
        if next == to {
            return Some(vec![from.to_owned(), next.clone()]);
        }
        if let Some(mut rest) = path_back(graph, next, to, seen) {
            rest.insert(0, from.to_owned());
            return Some(rest);
        }
    }
    None
}

fn assert_no_circle(graph: &BTreeMap<String, BTreeSet<String>>) {
    for module in graph.keys() {
        let circle = path_back(graph, module, module, &mut BTreeSet::new());
        assert!(circle.is_none(), "a circle: {}", circle.unwrap_or_default().join(" → "));
    }
}

#[test]
fn no_module_of_the_core_reaches_back_to_itself() {
    let graph = graph("src");
    assert!(graph.len() > 20, "the modules were read: {graph:?}");
    assert!(graph["import"].contains("sheet"), "the paths were read");
    assert_no_circle(&graph);
}

#[test]
fn no_module_of_the_server_reaches_back_to_itself() {
    let graph = graph("../roster-worker/src");
    assert!(graph["routes"].contains("db") && graph["db"].contains("tenant"), "the paths were read: {graph:?}");
    assert_no_circle(&graph);
}
