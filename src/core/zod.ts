import { z } from 'zod';

// zod turns each object schema into a parser specialised by `new Function` on its first parse:
// that pays in a server parsing thousands of values, but a command parses its config and state
// files once each, and the compiling cost more than the parsing (about 10 ms of start-up). The
// results are the same without it. zod reads the setting when a schema is built, so every module
// that builds schemas imports z from here, never from 'zod' (eslint enforces it).
z.config({ jitless: true });

export { z };
