//! The fuzz corpus in the repository, replayed through the fuzz targets' own entry
//! functions: the corpus is checked on every test run, cargo-fuzz or not.

use std::path::{Path, PathBuf};

use ccgw::fuzz_support::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn every_corpus_input_passes_its_target() {
    for (target, entry) in TARGETS {
        let directory = fuzz_dir().join("corpus").join(target);
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&directory)
            .unwrap_or_else(|error| panic!("{}: {error}", directory.display()))
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| path.is_file())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty(), "{target}: no corpus in {}", directory.display());
        for input in inputs {
            let data = std::fs::read(&input).expect("a corpus file");
            // A panic names the file: the replay is the fuzz target's own check.
            eprintln!("{target}: {}", input.display());
            entry(&data);
        }
    }
}

#[test]
fn the_fuzz_crate_builds_every_target_and_no_other() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut declared: Vec<&str> = manifest
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "ccgw-fuzz")
        .collect();
    let mut listed: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    declared.sort_unstable();
    listed.sort_unstable();
    assert_eq!(declared, listed, "fuzz/Cargo.toml's [[bin]]s and ccgw::fuzz_support::TARGETS differ");
    for name in listed {
        let source = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&source).unwrap_or_else(|error| panic!("{}: {error}", source.display()));
        assert!(text.contains("fuzz_support::"), "{}: not a fuzz_support entry", source.display());
    }
}
