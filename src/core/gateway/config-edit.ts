import { isSeq, parseDocument, type Document } from 'yaml';

// migrate.yaml edited as a YAML document: the user's comments, order and quoting stay; only
// the environment's compose.files and traffic change. Pure: text in, text out.

export interface GatewayTraffic {
  driver: 'nginx';
  file: string;
  service: string;
  args: string[];
  accessLog: string;
  gateway: true;
}

/** Add `overrideFile` to compose.files and set the traffic driver to the gateway's nginx. */
export function withGateway(text: string, environment: string, overrideFile: string, traffic: GatewayTraffic): string {
  const doc = parse(text);
  const files = doc.getIn(['environments', environment, 'compose', 'files']);
  if (isSeq(files) && !files.items.some((i) => String((i as { value?: unknown }).value ?? i) === overrideFile)) files.add(doc.createNode(overrideFile));
  doc.setIn(['environments', environment, 'traffic'], doc.createNode(traffic));
  return doc.toString({ flowCollectionPadding: false });
}

/** Take `overrideFile` out of compose.files; the traffic driver goes back to env (the default). */
export function withoutGateway(text: string, environment: string, overrideFile: string): string {
  const doc = parse(text);
  const files = doc.getIn(['environments', environment, 'compose', 'files']);
  if (isSeq(files)) {
    const at = files.items.findIndex((i) => String((i as { value?: unknown }).value ?? i) === overrideFile);
    if (at >= 0) files.items.splice(at, 1);
  }
  doc.deleteIn(['environments', environment, 'traffic']);
  return doc.toString({ flowCollectionPadding: false });
}

function parse(text: string): Document {
  return parseDocument(text, { keepSourceTokens: false });
}
