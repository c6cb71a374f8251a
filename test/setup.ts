import fc from "fast-check";

// Property tests explore fresh random cases on developer machines; CI replays one fixed seed so a landing
// never depends on luck. A failure prints its seed and path, so any case found locally can be replayed.
if (process.env.CI) fc.configureGlobal({ seed: 20_251_129 });
