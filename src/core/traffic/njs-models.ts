import { NJS_FILE } from './nginx-render.js';

// The njs script that renames the request's "model" for target. Static: the names come from the
// include (a map per provider, '' for legacy), so a config change needs no new script. Requests
// whose body is not JSON, or whose model is not mapped, go out byte for byte as the app sent them.

export { NJS_FILE };

export const NJS_SOURCE = `// Written by migrate. Do not edit: migrate rewrites it.
// Renames the JSON body's "model" for the provider that names models differently.
function renamed(r, mapping) {
    var body = r.requestText;
    if (body === undefined || body === null) return '';
    if (!mapping) return body;
    try {
        var names = JSON.parse(mapping);
        var request = JSON.parse(body);
        if (request === null || typeof request !== 'object' || typeof request.model !== 'string') return body;
        if (!Object.prototype.hasOwnProperty.call(names, request.model)) return body;
        request.model = names[request.model];
        return JSON.stringify(request);
    } catch (e) {
        return body;
    }
}

function body(r) { return renamed(r, r.variables.migrate_models); }
function mirrorBody(r) { return renamed(r, r.variables.migrate_mirror_models); }

export default { body, mirrorBody };
`;
