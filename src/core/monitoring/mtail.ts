import { BUCKETS, DURATION, REQUESTS, TTFB } from './names.js';

// The mtail program over the gateway's JSON access log. mtail has no JSON parser, so one regex
// takes the fields the log has always had, in the order nginx writes them (".*" between them
// lets new fields sit anywhere), and nested matches take the optional ones: `node` (a node id,
// else the address nginx answered from: the last of `upstream` after a failover), `model`, and
// the last try's `upstream_header_time` (the TTFB; "-" when the node never answered).

const MAIN = [
  '"environment":"(?P<environment>[^"]*)"',
  '"provider":"(?P<provider>legacy|target)"',
  '"upstream":"(?:[^"]*[,:] )?(?P<upstream>[^",]*)"',
  '"status":"(?P<code>\\d\\d\\d)"',
  '"request_time":"(?P<request_time>\\d+(?:\\.\\d+)?)"',
  '"mirror":"(?P<mirror>[^"]*)"',
].join('.*');

/**
 * mtail creates a series at its first sample, and Prometheus' rate() counts only increases between
 * samples: the first burst of a new status code would be invisible to the error ratio (a target
 * that starts failing looks healthy for a scrape). These error codes' series are created at 0 with
 * the first request of each provider, node, model and mirror, so their first errors are counted.
 */
export const ZEROED_CODES = ['429', '500', '502', '503', '504'];

const NODE = '"node":"(?P<node>[^"]+)"';
const MODEL = '"model":"(?P<model>[^"]+)"';
const HEADER_TIME = '"upstream_header_time":"(?:[^"]*[,:] )?(?P<ttfb>\\d+(?:\\.\\d+)?)"';

export function renderMtail(environment: string): string {
  const buckets = BUCKETS.join(', ');
  return [
    `# Written by \`migrate monitoring --env ${environment}\`: the gateway's access log as Prometheus metrics.`,
    `counter ${REQUESTS} by environment, provider, node, code, model, mirror`,
    `histogram ${DURATION} by environment, provider, node, mirror buckets ${buckets}`,
    `histogram ${TTFB} by environment, provider, node, mirror buckets ${buckets}`,
    '',
    `/${MAIN}/ {`,
    ...indent(byNode((node) => observe(node))),
    '}',
    '',
  ].join('\n');
}

/** The body twice: with the log's node id when it has one, else the upstream address. */
function byNode(body: (node: string) => string[]): string[] {
  return [`/${NODE}/ {`, ...indent(body('$node')), '} else {', ...indent(body('$upstream')), '}'];
}

function observe(node: string): string[] {
  const labels = `[$environment][$provider][${node}]`;
  return [
    `/${MODEL}/ {`,
    ...ZEROED_CODES.map((c) => `  ${REQUESTS}${labels}["${c}"][$model][$mirror] += 0`),
    `  ${REQUESTS}${labels}[$code][$model][$mirror]++`,
    '} else {',
    ...ZEROED_CODES.map((c) => `  ${REQUESTS}${labels}["${c}"]["-"][$mirror] += 0`),
    `  ${REQUESTS}${labels}[$code]["-"][$mirror]++`,
    '}',
    `${DURATION}${labels}[$mirror] = $request_time`,
    `/${HEADER_TIME}/ {`,
    `  ${TTFB}${labels}[$mirror] = $ttfb`,
    '}',
  ];
}

function indent(lines: string[]): string[] {
  return lines.map((l) => `  ${l}`);
}
