//! The core's rooms point one way: rule engines → domain modules → commands → `Desk`.
//!
//! The module graph is read from the source itself: every `crate::…` path in a top-level
//! module's files (its `.rs` file and its folder; comments, string literals and `#[cfg(test)]`
//! items left out, since tests are not part of the library and may reach anything) is an edge to
//! the module it names. A module that imports one that imports it back, however far round, fails
//! the test, which names the loop and the lines that make it.
//!
//! The same reading of the source keeps the rooms readable: no function over 80 lines without a
//! `// Long:` reason, one place that reads a carer's row by id (`carers::read`), and no
//! build-history references in code, tests or docs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crate root (`lib.rs`: `Desk` and the module list).
const ROOT: &str = "lib";

/// Rule engines: rules and data with no knowledge of the register. They import only each other.
const ENGINES: &[&str] = &[
    "args",
    "card_stock",
    "choices",
    "dates",
    "eligibility",
    "error",
    "files",
    "instruments",
    "location",
    "pdf",
    "validate",
    "vault",
];

/// The command table: only `Desk` (the crate root) uses it.
const COMMANDS: &str = "commands";

/// Where an edge comes from: the file and the path written there.
#[derive(Debug, Clone)]
struct Seen {
    file: String,
    path: String,
}

type Graph = BTreeMap<String, BTreeMap<String, Seen>>;

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph(&core_sources());
    let loops = loops(&graph);
    assert!(loops.is_empty(), "import loops between the core's modules:\n\n{}", loops.join("\n\n"));
}

#[test]
fn rule_engines_import_only_rule_engines_and_only_desk_uses_the_command_table() {
    let graph = graph(&core_sources());
    let mut wrong = Vec::new();
    for (from, to) in &graph {
        for (target, seen) in to {
            if ENGINES.contains(&from.as_str()) && !ENGINES.contains(&target.as_str()) {
                wrong.push(format!("rule engine {from} imports {target} ({}: {})", seen.file, seen.path));
            }
            if target == COMMANDS && from != ROOT {
                wrong.push(format!("{from} uses the command table ({}: {})", seen.file, seen.path));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for engine in ENGINES {
        assert!(graph.contains_key(*engine), "{engine} is listed as a rule engine but is not a module");
    }
}

/// The checker finds a planted loop (and ignores paths in comments, strings and test code), so a pass above
/// means something.
#[test]
fn the_checker_finds_a_planted_loop() {
    let sources = vec![
        ("lib.rs".to_string(), "pub mod a;\npub mod b;\npub mod c;\npub use a::Thing;".to_string()),
        ("a.rs".to_string(), "use crate::{b::{self, B}, error};\npub struct Thing;".to_string()),
        ("a/inner.rs".to_string(), "// crate::c is only mentioned\nconst S: &str = \"crate::c\";".to_string()),
        ("b.rs".to_string(), "fn f() { crate::c::g(); let _ = '\"'; }\n#[cfg(test)]\nmod tests;".to_string()),
        ("b/tests.rs".to_string(), "use crate::error::E;".to_string()),
        (
            "error.rs".to_string(),
            "#[cfg(test)]\nmod tests {\n    use crate::a::Thing;\n}\n#[cfg(test)]\nuse crate::c;".to_string(),
        ),
        ("c.rs".to_string(), "/* crate::a */ fn g() -> crate::Thing { todo!() }".to_string()),
    ];
    let graph = graph(&sources);
    assert_eq!(graph["a"].keys().collect::<Vec<_>>(), ["b", "error"]);
    assert_eq!(graph["c"].keys().collect::<Vec<_>>(), ["a"], "the root's re-export leads to its module");
    assert!(graph["error"].is_empty(), "test code is left out: {:?}", graph["error"]);
    assert_eq!(graph["b"].keys().collect::<Vec<_>>(), ["c"], "a test module's own file is left out");
    let found = loops(&graph);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("a → b → c → a"), "{}", found[0]);
    assert!(found[0].contains("b.rs: crate::c"), "{}", found[0]);
}

/// Every `.rs` file of the core library (the CLI in `bin/` is a front end, not part of it), as
/// (path relative to `src-tauri/core`, text).
fn core_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/core");
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            if path.is_dir() && relative != "bin" {
                folders.push(path);
            } else if relative.ends_with(".rs") {
                files.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    assert!(files.len() > 40, "the core's sources were not found under {}", root.display());
    files
}

/// The top-level module a file belongs to: `plans/review.rs` → `plans`, `lib.rs` → the root.
fn room(file: &str) -> String {
    let first = file.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first).to_string()
}

fn graph(sources: &[(String, String)]) -> Graph {
    let mut code: Vec<(String, String)> = Vec::new();
    let mut test_files: BTreeSet<String> = BTreeSet::new();
    for (file, text) in sources {
        let (kept, test_modules) = without_tests(&code_only(text));
        // `#[cfg(test)] mod tests;` in `a.rs` or `a/mod.rs` is the file `a/tests.rs`.
        let folder = file.strip_suffix("/mod.rs").or_else(|| file.strip_suffix(".rs")).unwrap_or(file);
        test_files.extend(test_modules.iter().map(|m| format!("{folder}/{m}.rs")));
        code.push((file.clone(), kept));
    }
    code.retain(|(file, _)| !test_files.contains(file));
    let root_text = &code.iter().find(|(f, _)| f == "lib.rs").expect("lib.rs").1;
    let rooms: BTreeSet<String> = code.iter().map(|(f, _)| room(f)).collect();
    // What the root re-exports (`pub use context::{Context, Role};`) belongs to its module.
    let mut reexports = BTreeMap::new();
    for statement in root_text.split(';') {
        if let Some(rest) = statement.trim().strip_prefix("pub use ") {
            let module = rest.split("::").next().unwrap().trim().to_string();
            for name in leaf_names(rest) {
                reexports.insert(name, module.clone());
            }
        }
    }
    let mut graph: Graph = rooms.iter().map(|r| (r.clone(), BTreeMap::new())).collect();
    for (file, text) in &code {
        let from = room(file);
        let mut targets: Vec<(String, String)> = Vec::new();
        if from == ROOT {
            // The root declares every module: it sits above them all.
            for statement in text.split(';') {
                let last = statement.trim().lines().last().unwrap_or_default().trim();
                if let Some(name) = last.strip_prefix("pub mod ").or_else(|| last.strip_prefix("mod ")) {
                    if rooms.contains(name.trim()) {
                        targets.push((name.trim().to_string(), format!("mod {}", name.trim())));
                    }
                }
            }
        }
        for (name, path) in crate_paths(text) {
            let target = if rooms.contains(&name) {
                name
            } else {
                reexports.get(&name).cloned().unwrap_or_else(|| ROOT.to_string())
            };
            targets.push((target, path));
        }
        for (target, path) in targets {
            if target != from {
                graph.get_mut(&from).unwrap().entry(target).or_insert(Seen { file: file.clone(), path });
            }
        }
    }
    graph
}

/// The code without its `#[cfg(test)]` items, and the names of test modules in files of
/// their own (`#[cfg(test)] mod tests;`).
fn without_tests(code: &str) -> (String, Vec<String>) {
    const MARK: &str = "#[cfg(test)]";
    let mut kept = String::with_capacity(code.len());
    let mut modules = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(MARK) {
        kept.push_str(&rest[..at]);
        let item = &rest[at + MARK.len()..];
        // The item ends at its first `;` or at the brace closing its first `{`.
        let mut depth = 0;
        let mut end = item.len();
        for (i, c) in item.char_indices() {
            match c {
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let words: Vec<&str> = item[..end].split_whitespace().collect();
        if let [.., "mod", name] = words.as_slice() {
            if let Some(name) = name.strip_suffix(';') {
                modules.push(name.to_string());
            }
        }
        rest = &item[end..];
    }
    kept.push_str(rest);
    (kept, modules)
}

/// The names at the end of a `use` tree: `a::{B, c::D}` → `B`, `D`.
fn leaf_names(tree: &str) -> Vec<String> {
    tree.split(['{', '}', ','])
        .filter_map(|part| part.rsplit("::").next())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty() && n != "self")
        .collect()
}

/// Each `crate::` path in code: the first name after `crate::` (each one, for `crate::{a, b}`)
/// and the path as written, for the message.
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut at = 0;
    while let Some(found) = code[at..].find("crate::") {
        let start = at + found;
        at = start + "crate::".len();
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
            continue; // `my_crate::` is another crate
        }
        if code[at..].starts_with('{') {
            // A group: the first name of each top-level entry.
            let mut depth = 0;
            let mut entry = String::new();
            let mut entries = Vec::new();
            for c in code[at + 1..].chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => entries.push(std::mem::take(&mut entry)),
                    _ => {}
                }
                entry.push(c);
            }
            entries.push(entry);
            for e in entries {
                let name: String = e.trim_start_matches(',').trim().chars().take_while(|c| is_ident(*c)).collect();
                if !name.is_empty() {
                    out.push((name.clone(), format!("crate::{}", e.trim_start_matches(',').trim())));
                }
            }
        } else {
            let path: String = code[at..].chars().take_while(|c| is_ident(*c) || *c == ':').collect();
            let name: String = path.chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                out.push((name, format!("crate::{}", path.trim_end_matches(':'))));
            }
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The text with comments and string and character literals blanked out (paths in them are not
/// imports).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !preceded_by_ident(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('a', '\n', '\'', '"'), or else a lifetime or label.
            let end = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else {
                (chars.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match end {
                Some(end) => {
                    out.push_str("' '");
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn preceded_by_ident(chars: &[char], i: usize) -> bool {
    i > 0 && is_ident(chars[i - 1])
}

/// Every loop in the graph, each once, as "a → b → a" with the line that makes each step.
fn loops(graph: &Graph) -> Vec<String> {
    // Strongly connected components (Tarjan); in each, its shortest loop.
    let names: Vec<&String> = graph.keys().collect();
    let index_of: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> =
        names.iter().map(|n| graph[*n].keys().filter_map(|t| index_of.get(t).copied()).collect()).collect();
    let mut components = Vec::new();
    tarjan(&edges, &mut components);
    let mut out = Vec::new();
    for component in components.into_iter().filter(|c| c.len() > 1) {
        let inside: BTreeSet<usize> = component.iter().copied().collect();
        let path = inside.iter().map(|&start| shortest_loop(&edges, &inside, start)).min_by_key(Vec::len).unwrap();
        let mut text = path.iter().map(|&i| names[i].as_str()).collect::<Vec<_>>().join(" → ");
        for pair in path.windows(2) {
            let seen = &graph[names[pair[0]]][names[pair[1]]];
            text.push_str(&format!("\n  {}: {}", seen.file, seen.path));
        }
        let all: Vec<&str> = inside.iter().map(|&i| names[i].as_str()).collect();
        if all.len() > path.len() - 1 {
            text.push_str(&format!("\n  (the loop's modules, all reaching each other: {})", all.join(", ")));
        }
        out.push(text);
    }
    out
}

fn tarjan(edges: &[Vec<usize>], out: &mut Vec<Vec<usize>>) {
    struct State {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
    }
    fn visit(v: usize, edges: &[Vec<usize>], s: &mut State, out: &mut Vec<Vec<usize>>) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &edges[v] {
            match s.index[w] {
                None => {
                    visit(w, edges, s, out);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            out.push(component);
        }
    }
    let n = edges.len();
    let mut s = State { index: vec![None; n], low: vec![0; n], on_stack: vec![false; n], stack: Vec::new(), next: 0 };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(v, edges, &mut s, out);
        }
    }
}

/// The shortest path from `start` back to itself inside one component (breadth first).
fn shortest_loop(edges: &[Vec<usize>], inside: &BTreeSet<usize>, start: usize) -> Vec<usize> {
    let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for &w in &edges[v] {
            if !inside.contains(&w) {
                continue;
            }
            if w == start {
                let mut path = vec![start, v];
                let mut at = v;
                while at != start {
                    at = came_from[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if w != start && !came_from.contains_key(&w) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    unreachable!("a strongly connected component has a loop through each of its modules")
}

/// The longest a function may be without saying why, in lines from its `fn` to its closing brace.
const LONG_FUNCTION: usize = 80;

/// A function over [`LONG_FUNCTION`] lines says why in a `// Long: …` comment among the lines
/// just above it (its doc comment and attributes): a long function is then a choice someone made
/// and wrote down (a table of data, steps that must be read in one order), not a room left to grow.
#[test]
fn no_function_is_long_without_a_reason() {
    let mut long = Vec::new();
    for (file, text) in core_sources() {
        let (code, _) = without_tests(&text);
        for (name, line, lines) in long_functions(&code) {
            long.push(format!("{file}:{line} fn {name} is {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split these functions, or say why each is long in a `// Long: …` comment above it:\n{}",
        long.join("\n")
    );
}

/// The functions in `code` longer than [`LONG_FUNCTION`] lines with no `// Long:` comment above
/// them: (name, line, length).
fn long_functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let mut depth = 0i32;
        let mut opened = false;
        let mut end = None;
        for (j, l) in lines.iter().enumerate().skip(at) {
            let plain = braces_of(l);
            for c in plain.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth == 0 {
                end = Some(j);
                break;
            }
            if !opened && plain.trim_end().ends_with(';') {
                break;
            }
        }
        let Some(end) = end else { continue };
        let length = end - at + 1;
        let said_why = lines[..at]
            .iter()
            .rev()
            .map(|l| l.trim())
            .take_while(|l| l.starts_with("//") || l.starts_with("#["))
            .any(|l| l.starts_with("// Long:"));
        if length > LONG_FUNCTION && !said_why {
            found.push((name, at + 1, length));
        }
    }
    found
}

/// The name of the function a line starts, if it starts one.
fn fn_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().take_while(|w| !w.starts_with("//")).collect();
    let at = words.iter().position(|w| *w == "fn")?;
    let before_ok = words[..at]
        .iter()
        .all(|w| *w == "pub" || w.starts_with("pub(") || ["const", "async", "unsafe", "extern"].contains(w));
    let name: String = words.get(at + 1)?.chars().take_while(|c| is_ident(*c)).collect();
    (before_ok && !name.is_empty()).then_some(name)
}

/// A line's braces that count: those outside its comment, string and character literals.
fn braces_of(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => in_string = !in_string,
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            '\'' if !in_string => {
                // '{' and '}' as characters.
                let rest: String = chars.clone().take(2).collect();
                if rest == "{'" || rest == "}'" {
                    chars.next();
                    chars.next();
                }
            }
            '{' | '}' if !in_string => out.push(c),
            _ => {}
        }
    }
    out
}

/// The long-function check finds a long function and accepts one that says why.
#[test]
fn the_long_function_check_finds_one_and_reads_its_reason() {
    let body = "    let s = \"{\"; // }\n".repeat(LONG_FUNCTION);
    let code = format!(
        "/// Short.\nfn short() {{\n    x();\n}}\n\n/// Doc.\npub(crate) fn long_one(a: u8) -> u8 {{\n{body}}}\n\n\
         /// Doc.\n// Long: a table of data, one entry a line.\n#[allow(dead_code)]\nfn explained() {{\n{body}}}\n"
    );
    let found = long_functions(&code);
    assert_eq!(found, vec![("long_one".to_string(), 7, LONG_FUNCTION + 2)]);
}

/// Where the build history may not be told: the code, the tests and the documentation say why,
/// not when (a part or an issue by its number). Shipped migrations keep their comments (they are
/// never edited).
#[test]
fn no_build_history_in_code_tests_or_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut told = Vec::new();
    let mut folders = vec![root.join("src-tauri"), root.join("tests"), root.join("docs"), root.join("ui")];
    let mut files = vec![root.join("README.md")];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if !["migrations", "target", "node_modules", "gen", "fonts", "icons"].contains(&name.as_str()) {
                    folders.push(path);
                }
            } else if [".rs", ".md", ".js", ".html", ".css", ".toml"].iter().any(|e| name.ends_with(e)) {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if tells_history(line) {
                told.push(format!("{}:{}: {}", path.strip_prefix(root).unwrap().display(), n + 1, line.trim()));
            }
        }
    }
    assert!(told.is_empty(), "say why, not when:\n{}", told.join("\n"));
}

/// Whether a line names a part or an issue by its number: "part", "parts", "issue" or "issues",
/// a space (and `#`), then a digit.
fn tells_history(line: &str) -> bool {
    let lower = line.to_lowercase();
    ["part", "issue"].iter().any(|word| {
        lower.match_indices(word).any(|(at, _)| {
            let before = lower[..at].chars().next_back();
            let rest = lower[at + word.len()..].strip_prefix('s').unwrap_or(&lower[at + word.len()..]);
            let number = rest.strip_prefix(' ').map(|r| r.strip_prefix('#').unwrap_or(r));
            before.is_none_or(|c| !c.is_alphanumeric())
                && number.and_then(|r| r.chars().next()).is_some_and(|c| c.is_ascii_digit())
        })
    })
}

#[test]
fn the_history_check_reads_numbers_after_the_words_only() {
    assert!(tells_history(&format!("Printing (p{}t 12)", "ar")));
    assert!(tells_history(&format!("see Is{} #5", "sue")));
    assert!(!tells_history("let (y, m) = (parts[0], parts[1]);"));
    assert!(!tells_history("a counterpart 3 times; issued 2 cards"));
}

/// One place reads a carer's row by its key: `carers::read` (`carers.rs`, where the columns, the
/// mapping and the parameters are one list). Anywhere else, a read of one carer by id says why it
/// is narrow in a `// Narrow read: …` comment just above it.
#[test]
fn one_place_reads_a_carer_row() {
    let mut reads = Vec::new();
    for (file, text) in core_sources() {
        if file == "carers.rs" {
            continue;
        }
        let (code, _) = without_tests(&text);
        let lines: Vec<&str> = code.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
            let by_id = ["FROM carers WHERE id =", "FROM carers c WHERE c.id ="].iter().any(|r| squeezed.contains(r));
            let said_why = lines[at.saturating_sub(12)..at].iter().any(|l| l.trim().starts_with("// Narrow read:"));
            if by_id && !said_why {
                reads.push(format!("{file}:{}: {}", at + 1, line.trim()));
            }
        }
    }
    assert!(reads.is_empty(), "read a carer's row with carers::read (or say why not):\n{}", reads.join("\n"));
}
