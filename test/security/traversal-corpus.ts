/**
 * The path-traversal corpus of reliability.md ("Paths and commands"): the encodings and tricks that broke MLflow's
 * and Aim's path checks. `root` is an allowed root, `outside` a directory beside it holding a valid run that must
 * never be reached; `link` is a symlink inside the root that points at it.
 */
export function pathCorpus(dirs: { root: string; outside: string; link: string }): [label: string, value: string][] {
  const { root, outside, link } = dirs;
  return [
    ["../ out of the root", `${root}/../outside/run`],
    ["../ after a real directory", `${root}/run/../../outside/run`],
    ["relative ../", "../../../../../../etc"],
    ["backslashes", `${root}\\..\\..\\outside\\run`],
    ["%2e%2e%2f", `${root}/%2e%2e%2foutside%2frun`],
    ["%2e%2e/", `${root}/%2e%2e/outside/run`],
    ["double-encoded %252e", `${root}/%252e%252e%252foutside/run`],
    ["absolute outside", `${outside}/run`],
    ["/etc", "/etc"],
    ["/etc/passwd", "/etc/passwd"],
    ["file:// URL", `file://${outside}/run`],
    ["file:///etc/passwd", "file:///etc/passwd"],
    ["NUL byte", `${root}/run\u0000/../../outside/run`],
    ["over-long", `${root}/${"a/".repeat(2500)}`],
    ["symlink inside the root to outside", link],
    ["through the symlink", `${link}/step-100`],
    ["/proc/self/environ", "/proc/self/environ"],
    ["/proc/self/cwd", "/proc/self/cwd"],
    ["/dev/zero", "/dev/zero"],
    ["# fragment", `${root}/run#/../../outside/run`],
    ["? query", `${root}/run?x=/../../outside/run`],
    ["~", "~/.ssh"],
    ["unicode dots", `${root}/\u2025/outside/run`],
  ];
}

/** Run names (URL paths on /runs/…) a client may try. */
export const RUN_NAME_CORPUS: string[] = ["../../etc", "a/../../b", "..", ".", "a/./b", "a//b", "/abs", "a\\..\\b", "%2e%2e", "<img src=x onerror=alert(1)>", "a\u0000b", "x".repeat(500), "../outside/run"];

/** Artifact names a worker may try to publish. */
export const ARTIFACT_NAME_CORPUS: string[] = ["../x", "merges/../../x", "merges/../merges/x", "/etc/passwd", "test/..", "test/../../../../etc", "test/%2e%2e%2fx", "test\\..\\x", "test/x\u0000", "evals/.", `test/${"a".repeat(300)}`, "file:///etc/passwd"];
