// undici parses HTTP/1 with llhttp compiled to WebAssembly. V8 compiles it quickly with Liftoff,
// then recompiles the hot functions with TurboFan on a background thread, and Node waits for that
// background work before the process exits: 100–170 ms of nothing after the last line, on every
// command that made a request (measured on 2 cores; see bench/rollback.js). A CLI makes few
// requests, and Liftoff's code parses them fast enough, so the second compile is turned off.
// It must run before undici's first connection, which compiles llhttp.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
