// OTLP export requests read from files (what `telemetry-lens ingest` loads): protobuf or JSON, one
// request or one per line as the Collector's file exporter writes, optionally gzipped.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodeLogs, decodeMetrics, decodeTraces, type Encoding, type Signal } from './decode';
import { mapLogs, mapMetrics, mapTraces } from '../map';

function encodingOfFile(file: string, bytes: Buffer): Encoding {
  const base = file.replace(/\.gz$/i, '').toLowerCase();
  if (/\.(pb|bin|protobuf|proto)$/.test(base)) return 'protobuf';
  if (base.endsWith('.json') || base.endsWith('.jsonl') || base.endsWith('.ndjson')) return 'json';
  const first = bytes.subarray(0, 64).toString('utf8').trimStart();
  return first.startsWith('{') ? 'json' : 'protobuf';
}

function signalOf(file: string, json: unknown, forced?: Signal): Signal {
  if (forced) return forced;
  if (json && typeof json === 'object') {
    if ('resourceLogs' in json) return 'logs';
    if ('resourceMetrics' in json) return 'metrics';
    if ('resourceSpans' in json) return 'traces';
  }
  const name = path.basename(file).toLowerCase();
  if (name.includes('log')) return 'logs';
  if (name.includes('metric')) return 'metrics';
  return 'traces';
}

/** Decodes one file into store rows. Throws with a reason. */
export function decodeOtlpFile(file: string, forced?: Signal): { records: ReturnType<typeof mapTraces>; metrics: ReturnType<typeof mapMetrics>; rejected: number; errors: string[] } {
  let bytes = fs.readFileSync(file);
  if (file.toLowerCase().endsWith('.gz') || (bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    bytes = zlib.gunzipSync(bytes, { maxOutputLength: 512 * 1024 * 1024 });
  }
  const encoding = encodingOfFile(file, bytes);
  const bodies: { body: Uint8Array; json?: unknown }[] = [];
  if (encoding === 'json') {
    const text = bytes.toString('utf8');
    try {
      bodies.push({ body: bytes, json: JSON.parse(text) });
    } catch (whole) {
      const lines = text.split(/\r?\n/).filter((l) => l.trim());
      if (lines.length < 2) throw new Error(`not valid OTLP JSON: ${(whole as Error).message}`);
      lines.forEach((l, i) => {
        try {
          bodies.push({ body: Buffer.from(l), json: JSON.parse(l) });
        } catch (e) {
          throw new Error(`line ${i + 1}: not valid JSON: ${(e as Error).message}`);
        }
      });
    }
  } else {
    bodies.push({ body: bytes });
  }
  const out = { records: [] as ReturnType<typeof mapTraces>, metrics: [] as ReturnType<typeof mapMetrics>, rejected: 0, errors: [] as string[] };
  for (const b of bodies) {
    const signal = signalOf(file, b.json, forced);
    if (signal === 'traces') {
      const d = decodeTraces(b.body, encoding);
      out.records.push(...mapTraces(d));
      out.rejected += d.rejected;
      out.errors.push(...d.errors);
    } else if (signal === 'logs') {
      const d = decodeLogs(b.body, encoding);
      out.records.push(...mapLogs(d));
      out.rejected += d.rejected;
      out.errors.push(...d.errors);
    } else {
      const d = decodeMetrics(b.body, encoding);
      out.metrics.push(...mapMetrics(d));
      out.rejected += d.rejected;
      out.errors.push(...d.errors);
    }
  }
  return out;
}
