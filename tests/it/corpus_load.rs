//! Loading a corpus directory: whatever is in it, the loader returns promptly, reads each file at
//! most once, and accounts for every `.txt` file as a digest or a problem.

use std::collections::HashSet;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use digestbot_corpus::{Corpus, LoadOptions, Severity, load_dir, load_dir_with};
use proptest::prelude::*;

use crate::support::fixture_corpus;

/// Far more than any of these trees needs, even in a debug build on a busy machine: a loader that
/// takes this long is stuck.
const PROMPTLY: Duration = Duration::from_secs(20);

/// Loads `dir` on another thread, so that a loader stuck on a FIFO or a cycle fails the test
/// instead of hanging it.
fn load_promptly(dir: &Path) -> Corpus {
    let (tx, rx) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(load_dir(&dir).unwrap());
    });
    rx.recv_timeout(PROMPTLY).unwrap_or_else(|e| panic!("the loader did not return within {PROMPTLY:?}: {e}"))
}

fn seed_bytes() -> Vec<u8> {
    std::fs::read(fixture_corpus().join("anhui-renda-huiyi.txt")).unwrap()
}

/// A corpus directory holding the seed as `seed.txt`.
fn corpus_with_seed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("seed.txt"), seed_bytes()).unwrap();
    dir
}

fn files(corpus: &Corpus) -> Vec<&str> {
    corpus.digests.iter().map(|d| d.file.as_str()).collect()
}

#[test]
fn a_link_back_to_the_corpus_is_not_followed_so_each_file_loads_once() {
    let dir = corpus_with_seed();
    symlink(".", dir.path().join("again")).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"]);
    let link = corpus.problems.iter().find(|p| p.file == "again").expect("the link is reported");
    assert_eq!(link.severity, Severity::Warning);
    assert!(link.message.contains("not followed"), "{link}");
}

#[test]
fn two_links_back_into_the_corpus_do_not_make_loading_endless() {
    let dir = corpus_with_seed();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    symlink("..", dir.path().join("sub/up")).unwrap();
    symlink(".", dir.path().join("here")).unwrap();
    symlink(dir.path(), dir.path().join("sub/root")).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"]);
}

#[test]
fn a_fifo_named_txt_is_an_error_not_a_hang() {
    let dir = corpus_with_seed();
    let fifo = std::ffi::CString::new(dir.path().join("x.txt").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"]);
    let problem = corpus.problems.iter().find(|p| p.file == "x.txt").expect("the FIFO is reported");
    assert_eq!(problem.to_string(), "x.txt:0: error: is a FIFO, not a regular file; not read");
}

#[test]
fn a_link_to_dev_zero_is_refused_without_reading_it() {
    let dir = corpus_with_seed();
    symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"]);
    let problem = corpus.problems.iter().find(|p| p.file == "zero.txt").expect("the link is reported");
    assert_eq!(problem.severity, Severity::Error);
    assert!(problem.message.contains("not a regular file"), "{problem}");
}

#[test]
fn a_file_over_the_size_cap_is_refused_from_its_size_alone() {
    let dir = corpus_with_seed();
    // Sparse: its size says 33 MB, and nothing has to be written (or read) to say so.
    let big = std::fs::File::create(dir.path().join("big.txt")).unwrap();
    big.set_len(33 * 1024 * 1024).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"]);
    let problems: Vec<String> = corpus.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, ["big.txt:0: error: is 33 MB, more than the 32 MB a digest may be (max_file_mb); not read"]);
}

#[test]
fn a_link_to_a_file_inside_the_corpus_is_read_once_as_the_file_itself() {
    let dir = corpus_with_seed();
    std::fs::create_dir(dir.path().join("2024")).unwrap();
    symlink("../seed.txt", dir.path().join("2024/again.txt")).unwrap();
    symlink("seed.txt", dir.path().join("a-link.txt")).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"], "the real file wins over links that come first in path order");
    assert_eq!(corpus.digests[0].id, "seed");
    let mut warned: Vec<(&str, Severity)> = corpus.problems.iter().map(|p| (p.file.as_str(), p.severity)).collect();
    warned.sort();
    assert_eq!(warned, [("2024/again.txt", Severity::Warning), ("a-link.txt", Severity::Warning)]);
    assert!(corpus.problems[0].message.contains("same file as seed.txt"), "{}", corpus.problems[0]);
}

#[test]
fn a_link_to_a_file_alone_in_the_corpus_loads_under_the_link_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".store")).unwrap();
    std::fs::write(dir.path().join(".store/seed.txt"), seed_bytes()).unwrap();
    symlink(".store/seed.txt", dir.path().join("latest.txt")).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["latest.txt"]);
    assert!(corpus.problems.is_empty(), "{:?}", corpus.problems);
}

#[test]
fn a_link_to_a_file_outside_the_corpus_is_not_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), seed_bytes()).unwrap();
    let dir = corpus_with_seed();
    symlink(outside.path().join("secret.txt"), dir.path().join("secret.txt")).unwrap();
    let corpus = load_promptly(dir.path());
    assert_eq!(files(&corpus), ["seed.txt"]);
    let problem = corpus.problems.iter().find(|p| p.file == "secret.txt").expect("the link is reported");
    assert_eq!(problem.severity, Severity::Error);
    assert!(problem.message.contains("outside the corpus"), "{problem}");
}

/// What a generated file holds: the seed in each encoding a digest may come in, and what is not a
/// digest at all.
#[derive(Debug, Clone)]
enum Content {
    Seed,
    SeedGb18030,
    SeedUtf16 {
        big_endian: bool,
    },
    Text(String),
    Bytes(Vec<u8>),
    Empty,
    /// One line of this many `人`, past the 64 KiB a paragraph may be.
    HugeLine(usize),
}

impl Content {
    fn bytes(&self) -> Vec<u8> {
        let seed = || String::from_utf8(seed_bytes()).unwrap();
        match self {
            Content::Seed => seed_bytes(),
            Content::SeedGb18030 => encoding_rs::GB18030.encode(&seed()).0.into_owned(),
            Content::SeedUtf16 { big_endian } => {
                let units = seed().encode_utf16().collect::<Vec<_>>();
                let mut bytes = if *big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
                for unit in units {
                    bytes.extend(if *big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
                }
                bytes
            }
            Content::Text(text) => text.clone().into_bytes(),
            Content::Bytes(bytes) => bytes.clone(),
            Content::Empty => Vec::new(),
            Content::HugeLine(n) => "人".repeat(*n).into_bytes(),
        }
    }
}

/// Where a generated link to a folder leads.
#[derive(Debug, Clone)]
enum FolderTarget {
    Dot,
    DotDot,
    Root,
    Folder(prop::sample::Index),
}

#[derive(Debug, Clone)]
enum Node {
    Folder,
    File(Content),
    Fifo,
    LinkToFolder(FolderTarget),
    /// To one of the files made so far (a link that leads nowhere when there is none).
    LinkToFile(prop::sample::Index),
    /// To something outside the corpus: a device, a file elsewhere, nothing.
    LinkOut(&'static str),
}

#[derive(Debug, Clone)]
struct Item {
    /// Which of the folders made so far holds it.
    parent: prop::sample::Index,
    name: &'static str,
    extension: &'static str,
    hidden: bool,
    node: Node,
}

fn content() -> impl Strategy<Value = Content> {
    prop_oneof![
        3 => Just(Content::Seed),
        1 => Just(Content::SeedGb18030),
        1 => any::<bool>().prop_map(|big_endian| Content::SeedUtf16 { big_endian }),
        1 => any::<String>().prop_map(Content::Text),
        1 => prop::collection::vec(any::<u8>(), 0..300).prop_map(Content::Bytes),
        1 => Just(Content::Empty),
        1 => (66_000usize / 3..80_000 / 3).prop_map(Content::HugeLine),
    ]
}

fn node() -> impl Strategy<Value = Node> {
    let folder_target = prop_oneof![
        Just(FolderTarget::Dot),
        Just(FolderTarget::DotDot),
        Just(FolderTarget::Root),
        any::<prop::sample::Index>().prop_map(FolderTarget::Folder),
    ];
    prop_oneof![
        3 => Just(Node::Folder),
        6 => content().prop_map(Node::File),
        1 => Just(Node::Fifo),
        3 => folder_target.prop_map(Node::LinkToFolder),
        2 => any::<prop::sample::Index>().prop_map(Node::LinkToFile),
        1 => prop::sample::select(vec!["/dev/zero", "/dev/null", "outside", "nowhere"]).prop_map(Node::LinkOut),
    ]
}

fn item() -> impl Strategy<Value = Item> {
    let name = prop::sample::select(vec!["a", "报告", "x y", "a_p4", "行\n断", "a-name-longer-than-any-digest-id"]);
    let extension = prop::sample::select(vec![".txt", ".txt", ".txt", ".TXT", ".md", ""]);
    (any::<prop::sample::Index>(), name, extension, prop::bool::weighted(0.1), node())
        .prop_map(|(parent, name, extension, hidden, node)| Item { parent, name, extension, hidden, node })
}

/// Makes the tree under `root`; `outside` is a file elsewhere.
fn make_tree(root: &Path, outside: &Path, items: &[Item]) {
    let mut folders = vec![root.to_path_buf()];
    let mut files = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let parent = folders[item.parent.index(folders.len())].clone();
        let hidden = if item.hidden { "." } else { "" };
        let path = parent.join(format!("{hidden}{}{i}{}", item.name, item.extension));
        match &item.node {
            Node::Folder => {
                std::fs::create_dir(&path).unwrap();
                folders.push(path);
            }
            Node::File(content) => {
                std::fs::write(&path, content.bytes()).unwrap();
                files.push(path);
            }
            Node::Fifo => {
                let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
                // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
                assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
            }
            Node::LinkToFolder(FolderTarget::Dot) => symlink(".", &path).unwrap(),
            Node::LinkToFolder(FolderTarget::DotDot) => symlink("..", &path).unwrap(),
            Node::LinkToFolder(FolderTarget::Root) => symlink(root, &path).unwrap(),
            Node::LinkToFolder(FolderTarget::Folder(at)) => symlink(&folders[at.index(folders.len())], &path).unwrap(),
            Node::LinkToFile(_) if files.is_empty() => symlink(root.join("nowhere"), &path).unwrap(),
            Node::LinkToFile(at) => symlink(&files[at.index(files.len())], &path).unwrap(),
            Node::LinkOut("outside") => symlink(outside, &path).unwrap(),
            Node::LinkOut(target) => symlink(target, &path).unwrap(),
        }
    }
}

/// Every `.txt` name below `dir` that the loader must account for: found without following links
/// to folders, hidden names skipped, whatever kind of file it is.
fn txt_names(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            txt_names(root, &path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"))
            && !(kind.is_symlink() && path.is_dir())
        {
            out.push(path.strip_prefix(root).unwrap().to_str().unwrap().to_string());
        }
    }
}

proptest! {
    // 128 trees of up to 16 items each: about two seconds in a debug build.
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn loading_any_tree_is_prompt_reads_each_file_once_and_accounts_for_every_txt_name(
        items in prop::collection::vec(item(), 0..16),
        small_cap in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir(&root).unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, seed_bytes()).unwrap();
        make_tree(&root, &outside, &items);
        // A cap below the seed's size puts most files over it.
        let options = if small_cap { LoadOptions { max_file_bytes: 4096 } } else { LoadOptions::default() };

        let (tx, rx) = mpsc::channel();
        let walked = root.clone();
        std::thread::spawn(move || {
            let _ = tx.send(load_dir_with(&walked, options));
        });
        let corpus = match rx.recv_timeout(PROMPTLY) {
            Ok(loaded) => loaded.unwrap(),
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the loader did not return within {PROMPTLY:?}"),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the loader panicked"),
        };

        let mut names = Vec::new();
        txt_names(&root, &root, &mut names);
        let loaded: HashSet<&str> = corpus.digests.iter().map(|d| d.file.as_str()).collect();
        let reported: HashSet<&str> = corpus.problems.iter().map(|p| p.file.as_str()).collect();
        for name in &names {
            prop_assert!(loaded.contains(name.as_str()) || reported.contains(name.as_str()), "{name:?} is unaccounted for");
        }
        prop_assert_eq!(loaded.len(), corpus.digests.len(), "a name is loaded twice");
        let mut files_read = HashSet::new();
        for digest in &corpus.digests {
            prop_assert!(names.contains(&digest.file), "{:?} was reached through a link to a folder", digest.file);
            let meta = std::fs::metadata(root.join(&digest.file)).unwrap();
            prop_assert!(meta.is_file() && meta.len() <= options.max_file_bytes);
            prop_assert!(files_read.insert((meta.dev(), meta.ino())), "{:?} is a file read twice", digest.file);
        }
        let mut ids = HashSet::new();
        for digest in &corpus.digests {
            let elements = digest.speeches.iter().flat_map(|s| {
                std::iter::once(&s.id).chain(s.sections.iter().flat_map(|c| {
                    std::iter::once(&c.id).chain(c.passages.iter().map(|p| &p.id))
                }))
            });
            for id in std::iter::once(&digest.id).chain(elements) {
                prop_assert!(id.len() <= 32 && id.is_ascii(), "{id}");
                prop_assert!(ids.insert(id.clone()), "{id} twice");
            }
        }
        for problem in &corpus.problems {
            prop_assert_eq!(problem.to_string().lines().count(), 1, "{:?}", problem);
        }
    }
}
