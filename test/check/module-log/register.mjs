// `node --import ./register.mjs`: records the URL of every module the program resolves into
// $MODULE_LOG, one per line. module.register works on Node 20.6+; the hooks run on their own thread,
// so they report through a file rather than memory.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_LOG } });
