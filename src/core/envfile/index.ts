/** Format-preserving env file editing: parse, pure edits, atomic writes. */
export type { Assignment, EnvDocument, EnvEntry, QuoteStyle, TriviaLine } from './document.js';
export { assignments, findAssignment } from './document.js';
export { parse, print, values } from './parse.js';
export { removeKey, setKey, setKeys } from './edit.js';
export { type KeyDiff, diffKeys, isEmptyDiff } from './diff.js';
export { type EnvFileUpdate, readEnvFile, updateEnvFile, writeEnvFile } from './file.js';
export { EnvFileError } from './errors.js';
