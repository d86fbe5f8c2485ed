/**
 * InfluxDB line protocol escaping for text the centre does not control (user notes, alert
 * messages a province centre sent): docs/ARCHITECTURE.md, "Schema". Control characters become
 * spaces before any escaping: line protocol cannot escape a newline, and a NUL in the spool
 * reads as a power cut's torn tail (ingest/spool-files.ts).
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** A tag key or value: comma, equals, space and backslash escaped (spaces made above included). */
export const lineTag = (s: string): string => s.replace(CONTROL, ' ').replace(/[,= \\]/g, (c) => `\\${c}`);

/** A string field value, quoted: backslash and double quote escaped. */
export const lineString = (s: string): string => `"${s.replace(CONTROL, ' ').replace(/[\\"]/g, (c) => `\\${c}`)}"`;
