/**
 * Generates the demo station catalogue, seeds/catalogue.json (DOMAIN.md, "Demo catalogue").
 *
 *   npx tsx scripts/make-catalogue.ts            writes seeds/catalogue.json
 *   npx tsx scripts/make-catalogue.ts --check    fails when the file is not what this script makes
 *
 * Deterministic: every choice is either written out in the tables below or drawn from a
 * seeded PRNG (mulberry32), so two runs give byte-identical output. The output is validated
 * with `parseCatalogue` (core/catalogue.ts) before it is written.
 *
 * Zones are real industrial zones (approximate coordinates); every FACILITY IS FICTIONAL:
 * the company names are invented word-pictures ("Cánh Cò Bạc", "Đầm Lầy Tím"...) and must
 * never be replaced with the name of a real company, which the demo would show as a polluter.
 *
 * Limits are data, per station (i.e. per permit), never constants in code:
 * - Wastewater: QCVN 40:2011/BTNMT, column A where the zone discharges into water used for
 *   drinking supply, else B; Cmax = C x Kq x Kf for TSS, COD, NH4, TN, TP; no coefficients for
 *   Temp, Color, pH (pH has a lower bound too). Kq by receiving water (rivers by flow
 *   0.9-1.2, coastal water 1.0), Kf by the facility's discharge (<=50 m3/d 1.2, <=500 1.1,
 *   <=5,000 1.0, >5,000 0.9). In force from 2011-12-15. QCVN 40:2025/BTNMT replaced it on
 *   2025-09-01, but existing facilities keep QCVN 40:2011 during the transition, to
 *   2031-12-31 inclusive: effectiveTo is exclusive in `limitAt`, hence "2032-01-01". The
 *   2025 numbers are not in hand; add them as further limit entries when they are.
 * - Stacks: QCVN 19:2009/BTNMT column B (PM 200, SO2 500, NOx 850, CO 1000 mg/Nm3);
 *   Cmax = C x Kp x Kv, Kp by stack flow (<=20,000 m3/h 1.0, <=100,000 0.9, above 0.8), Kv by
 *   region (industrial zone 1.0; inner city of a class-I city or within 2 km of it 0.8).
 *   In force from 2010-01-01 to 2031-12-31 inclusive, effectiveTo "2032-01-01" (replaced by QCVN 19:2024/BTNMT
 *   from 2025-07-01, transition assumed as for QCVN 40).
 * - No limits on Flow, P, O2.
 */
import { writeFile, readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { CatalogueFile, Facility, Limit, Parameter, Station, StationParameter, Zone } from '../core/catalogue-schema.js';
import { parseCatalogue } from '../core/catalogue.js';
import type { Unit } from '../core/units.js';
import { createPrng } from '../simulators/prng.js';

export const CATALOGUE_PATH = fileURLToPath(new URL('../seeds/catalogue.json', import.meta.url));

const SEED = 20_261_127;

// --- regulations ----------------------------------------------------------------------------

const QCVN40 = { regulation: 'QCVN 40:2011/BTNMT', effectiveFrom: '2011-12-15', effectiveTo: '2032-01-01' } as const;
const QCVN19 = { regulation: 'QCVN 19:2009/BTNMT', effectiveFrom: '2010-01-01', effectiveTo: '2032-01-01' } as const;

type Column = 'A' | 'B';

/** QCVN 40:2011 base values C per column (DOMAIN.md table). */
const QCVN40_BASE: Record<'Temp' | 'Color' | 'TSS' | 'COD' | 'NH4' | 'TN' | 'TP', Record<Column, number>> = {
  Temp: { A: 40, B: 40 },
  Color: { A: 50, B: 150 },
  TSS: { A: 50, B: 100 },
  COD: { A: 75, B: 150 },
  NH4: { A: 5, B: 10 },
  TN: { A: 20, B: 40 },
  TP: { A: 4, B: 6 },
};
const QCVN40_PH = { max: 9, lower: { A: 6, B: 5.5 } } as const;
/** Parameters that take Kq x Kf. */
const QCVN40_WITH_COEFFICIENTS = new Set(['TSS', 'COD', 'NH4', 'TN', 'TP']);

/** QCVN 19:2009 column B base values. */
const QCVN19_BASE_B = { PM: 200, SO2: 500, NOx: 850, CO: 1000 } as const;

/** Kf of QCVN 40:2011 by discharge flow in m3/day. */
function kf(m3PerDay: number): number {
  if (m3PerDay <= 50) return 1.2;
  if (m3PerDay <= 500) return 1.1;
  if (m3PerDay <= 5000) return 1.0;
  return 0.9;
}

/** Kp of QCVN 19:2009 by stack flow in m3/h. */
function kp(m3PerHour: number): number {
  if (m3PerHour <= 20_000) return 1.0;
  if (m3PerHour <= 100_000) return 0.9;
  return 0.8;
}

// --- parameters (the regulation's symbol table, DOMAIN.md) -----------------------------------

const PARAMETERS: Parameter[] = [
  { symbol: 'Flow', name: 'Flow rate', nameVi: 'Lưu lượng', units: ['m3/h', 'Nm3/h'] },
  { symbol: 'Temp', name: 'Temperature', nameVi: 'Nhiệt độ', units: ['°C'] },
  { symbol: 'pH', name: 'pH', nameVi: 'Độ pH', units: ['pH'] },
  { symbol: 'TSS', name: 'Total suspended solids', nameVi: 'Tổng chất rắn lơ lửng', units: ['mg/L'] },
  { symbol: 'COD', name: 'Chemical oxygen demand', nameVi: 'Nhu cầu oxy hóa học', units: ['mg/L'] },
  { symbol: 'NH4', name: 'Ammonium (as N)', nameVi: 'Amoni (tính theo N)', units: ['mg/L'] },
  { symbol: 'TN', name: 'Total nitrogen', nameVi: 'Tổng nitơ', units: ['mg/L'] },
  { symbol: 'TP', name: 'Total phosphorus', nameVi: 'Tổng phốt pho', units: ['mg/L'] },
  { symbol: 'TOC', name: 'Total organic carbon', nameVi: 'Tổng cacbon hữu cơ', units: ['mg/L'] },
  { symbol: 'Color', name: 'Colour', nameVi: 'Độ màu', units: ['Pt-Co'] },
  { symbol: 'P', name: 'Pressure', nameVi: 'Áp suất', units: ['kPa'] },
  { symbol: 'O2', name: 'Oxygen', nameVi: 'Oxy', units: ['%'] },
  { symbol: 'PM', name: 'Total dust', nameVi: 'Bụi tổng', units: ['mg/Nm3'] },
  { symbol: 'SO2', name: 'Sulphur dioxide', nameVi: 'Lưu huỳnh đioxit', units: ['mg/Nm3'] },
  { symbol: 'NOx', name: 'Nitrogen oxides (as NO2)', nameVi: 'Nitơ oxit (tính theo NO2)', units: ['mg/Nm3'] },
  { symbol: 'CO', name: 'Carbon monoxide', nameVi: 'Cacbon monoxit', units: ['mg/Nm3'] },
  { symbol: 'NO', name: 'Nitrogen monoxide', nameVi: 'Nitơ monoxit', units: ['mg/Nm3'] },
  { symbol: 'NO2', name: 'Nitrogen dioxide', nameVi: 'Nitơ đioxit', units: ['mg/Nm3'] },
  { symbol: 'H2S', name: 'Hydrogen sulphide', nameVi: 'Hydro sunfua', units: ['mg/Nm3'] },
  { symbol: 'NH3', name: 'Ammonia', nameVi: 'Amoniac', units: ['mg/Nm3'] },
  { symbol: 'HCl', name: 'Hydrogen chloride', nameVi: 'Hydro clorua', units: ['mg/Nm3'] },
];

// --- zones (real industrial zones, DOMAIN.md; coordinates approximate) -----------------------

interface ZoneSpec extends Zone {
  /** Province code, the first part of station ids. */
  code: string;
  /** Short code some legacy FTP loggers use in their file names. */
  legacy: string;
  /** QCVN 40 column: A where the receiving water feeds a drinking-water supply. */
  column: Column;
  /** QCVN 40 Kq of the receiving water. */
  kq: number;
  /** QCVN 19 Kv of the region. */
  kv: number;
}

const ZONES: ZoneSpec[] = [
  // Cầu river, a drinking-water source downstream: column A; medium river.
  {
    id: 'YENPHONG',
    name: 'Yên Phong',
    province: 'Bắc Ninh',
    lat: 21.2,
    lon: 106.0,
    code: 'BN',
    legacy: 'YP',
    column: 'A',
    kq: 1.0,
    kv: 1.0,
  },
  // Cà Lồ river, small, not a supply source.
  {
    id: 'QUANGMINH',
    name: 'Quang Minh',
    province: 'Hà Nội',
    lat: 21.19,
    lon: 105.77,
    code: 'HN',
    legacy: 'QM',
    column: 'B',
    kq: 0.9,
    kv: 1.0,
  },
  // Bạch Đằng estuary / coastal water.
  {
    id: 'DINHVU',
    name: 'Đình Vũ',
    province: 'Hải Phòng',
    lat: 20.84,
    lon: 106.77,
    code: 'HP',
    legacy: 'DV',
    column: 'B',
    kq: 1.0,
    kv: 1.0,
  },
  // Sài Gòn river basin upstream of the city's intakes: column A; small receiving canal.
  { id: 'VSIP1', name: 'VSIP I', province: 'Bình Dương', lat: 10.93, lon: 106.71, code: 'BD', legacy: 'VS', column: 'A', kq: 0.9, kv: 1.0 },
  // Đồng Nai river, a major supply source: column A; large river.
  {
    id: 'NHONTRACH',
    name: 'Nhơn Trạch',
    province: 'Đồng Nai',
    lat: 10.74,
    lon: 106.9,
    code: 'DN',
    legacy: 'NTR',
    column: 'A',
    kq: 1.1,
    kv: 1.0,
  },
  // Soài Rạp / Nhà Bè, large tidal river.
  {
    id: 'HIEPPHUOC',
    name: 'Hiệp Phước',
    province: 'Hồ Chí Minh',
    lat: 10.63,
    lon: 106.75,
    code: 'HCM',
    legacy: 'HPH',
    column: 'B',
    kq: 1.2,
    kv: 1.0,
  },
  // Coastal water.
  { id: 'VUNGANG', name: 'Vũng Áng', province: 'Hà Tĩnh', lat: 18.08, lon: 106.4, code: 'HT', legacy: 'VA', column: 'B', kq: 1.0, kv: 1.0 },
  // Coastal water.
  {
    id: 'DUNGQUAT',
    name: 'Dung Quất',
    province: 'Quảng Ngãi',
    lat: 15.4,
    lon: 108.8,
    code: 'QNG',
    legacy: 'DQ',
    column: 'B',
    kq: 1.0,
    kv: 1.0,
  },
  // Cu Đê river, small; within 2 km of Đà Nẵng's inner city (class-I city): Kv 0.8.
  {
    id: 'HOAKHANH',
    name: 'Hòa Khánh',
    province: 'Đà Nẵng',
    lat: 16.08,
    lon: 108.14,
    code: 'DNG',
    legacy: 'HK',
    column: 'B',
    kq: 0.9,
    kv: 0.8,
  },
];

// --- facilities (FICTIONAL) --------------------------------------------------------------------

type Sector = 'electronics' | 'food processing' | 'textiles' | 'paper' | 'chemicals' | 'steel' | 'cement' | 'thermal power';

interface SectorSpec {
  /** Stack stations (0 for light industry without a monitored stack). */
  stacks: number;
  /** Design flow of one stack, Nm3/h (varied per facility). */
  stackFlow: number;
  /** Stack gas temperature instrument range, °C. */
  stackTempMax: number;
  /** Wastewater also measured for TN and TP. */
  nutrients: boolean;
}

const SECTORS: Record<Sector, SectorSpec> = {
  electronics: { stacks: 0, stackFlow: 0, stackTempMax: 0, nutrients: false },
  'food processing': { stacks: 1, stackFlow: 14_000, stackTempMax: 400, nutrients: true },
  textiles: { stacks: 1, stackFlow: 40_000, stackTempMax: 400, nutrients: true },
  paper: { stacks: 1, stackFlow: 90_000, stackTempMax: 400, nutrients: true },
  chemicals: { stacks: 1, stackFlow: 50_000, stackTempMax: 400, nutrients: true },
  steel: { stacks: 1, stackFlow: 350_000, stackTempMax: 600, nutrients: false },
  cement: { stacks: 1, stackFlow: 280_000, stackTempMax: 600, nutrients: false },
  'thermal power': { stacks: 2, stackFlow: 1_100_000, stackTempMax: 400, nutrients: false },
};

interface FacilitySpec {
  id: string;
  zoneId: string;
  name: string;
  sector: Sector;
  /** Permitted wastewater discharge, m3/day (sets Kf). */
  discharge: number;
}

const FACILITIES: FacilitySpec[] = [
  { id: 'F001', zoneId: 'YENPHONG', sector: 'electronics', discharge: 2400, name: 'Công ty TNHH Linh kiện Điện tử Cánh Cò Bạc' },
  { id: 'F002', zoneId: 'YENPHONG', sector: 'electronics', discharge: 6200, name: 'Công ty TNHH Bảng mạch Đồi Chè Xanh Lơ' },
  { id: 'F003', zoneId: 'YENPHONG', sector: 'food processing', discharge: 420, name: 'Công ty CP Chế biến Nông sản Bờ Tre Lặng' },
  { id: 'F004', zoneId: 'YENPHONG', sector: 'textiles', discharge: 3200, name: 'Công ty TNHH Dệt nhuộm Sợi Mây Chiều' },
  { id: 'F005', zoneId: 'QUANGMINH', sector: 'electronics', discharge: 900, name: 'Công ty TNHH Thiết bị Điện tử Đom Đóm Xanh' },
  { id: 'F006', zoneId: 'QUANGMINH', sector: 'food processing', discharge: 1800, name: 'Công ty CP Sữa và Đồ uống Đồng Cỏ Mây Trôi' },
  { id: 'F007', zoneId: 'QUANGMINH', sector: 'textiles', discharge: 350, name: 'Công ty TNHH May mặc Kim Chỉ Hồng Vân Tím' },
  { id: 'F008', zoneId: 'QUANGMINH', sector: 'steel', discharge: 1500, name: 'Công ty CP Thép cán Lò Rèn Đá Xám' },
  { id: 'F009', zoneId: 'DINHVU', sector: 'chemicals', discharge: 650, name: 'Công ty TNHH Hóa chất Biển Muối Trắng Ngần' },
  { id: 'F010', zoneId: 'DINHVU', sector: 'cement', discharge: 45, name: 'Công ty CP Xi măng Vách Đá Mù Sương' },
  { id: 'F011', zoneId: 'DINHVU', sector: 'steel', discharge: 5600, name: 'Công ty TNHH Luyện thép Cửa Sóng Bạc' },
  { id: 'F012', zoneId: 'DINHVU', sector: 'thermal power', discharge: 7200, name: 'Công ty CP Nhiệt điện Gió Chướng Đông' },
  { id: 'F013', zoneId: 'VSIP1', sector: 'textiles', discharge: 2800, name: 'Công ty TNHH Dệt may Cây Kơ Nia Nhỏ' },
  { id: 'F014', zoneId: 'VSIP1', sector: 'food processing', discharge: 480, name: 'Công ty CP Thực phẩm Bánh Lá Dừa Non' },
  { id: 'F015', zoneId: 'VSIP1', sector: 'paper', discharge: 8500, name: 'Công ty TNHH Giấy và Bao bì Lá Bàng Đỏ' },
  { id: 'F016', zoneId: 'VSIP1', sector: 'electronics', discharge: 1200, name: 'Công ty TNHH Điện tử Chuồn Chuồn Kim' },
  { id: 'F017', zoneId: 'NHONTRACH', sector: 'textiles', discharge: 4200, name: 'Công ty TNHH Sợi nhuộm Cầu Vồng Sau Mưa' },
  { id: 'F018', zoneId: 'NHONTRACH', sector: 'chemicals', discharge: 300, name: 'Công ty CP Hóa chất Đầm Lầy Tím' },
  { id: 'F019', zoneId: 'NHONTRACH', sector: 'steel', discharge: 900, name: 'Công ty TNHH Thép ống Mỏ Neo Chìm' },
  { id: 'F020', zoneId: 'NHONTRACH', sector: 'thermal power', discharge: 6500, name: 'Công ty CP Nhiệt điện Sông Lặng Gió' },
  { id: 'F021', zoneId: 'HIEPPHUOC', sector: 'paper', discharge: 9000, name: 'Công ty TNHH Giấy cuộn Bèo Tây Trôi' },
  { id: 'F022', zoneId: 'HIEPPHUOC', sector: 'food processing', discharge: 750, name: 'Công ty CP Thủy sản Đông lạnh Con Còng Gió' },
  { id: 'F023', zoneId: 'HIEPPHUOC', sector: 'chemicals', discharge: 400, name: 'Công ty TNHH Hóa chất Rừng Đước Xa' },
  { id: 'F024', zoneId: 'HIEPPHUOC', sector: 'steel', discharge: 2200, name: 'Công ty CP Thép tấm Phù Sa Đỏ' },
  { id: 'F025', zoneId: 'VUNGANG', sector: 'steel', discharge: 12000, name: 'Công ty TNHH Gang thép Cát Trắng Gió Lào' },
  { id: 'F026', zoneId: 'VUNGANG', sector: 'thermal power', discharge: 5200, name: 'Công ty CP Nhiệt điện Sóng Bạc Đầu' },
  { id: 'F027', zoneId: 'VUNGANG', sector: 'cement', discharge: 40, name: 'Công ty CP Xi măng Đá Ong Vàng Sẫm' },
  { id: 'F028', zoneId: 'VUNGANG', sector: 'chemicals', discharge: 1600, name: 'Công ty TNHH Phân bón Hóa chất Cỏ May Tím' },
  { id: 'F029', zoneId: 'DUNGQUAT', sector: 'chemicals', discharge: 3800, name: 'Công ty TNHH Hóa dầu Cánh Buồm Nâu' },
  { id: 'F030', zoneId: 'DUNGQUAT', sector: 'steel', discharge: 4800, name: 'Công ty CP Luyện cán thép Mũi Đá Đen' },
  { id: 'F031', zoneId: 'DUNGQUAT', sector: 'paper', discharge: 11000, name: 'Công ty TNHH Bột giấy Rừng Keo Non' },
  { id: 'F032', zoneId: 'DUNGQUAT', sector: 'thermal power', discharge: 6000, name: 'Công ty CP Nhiệt điện Đảo Mây Trôi' },
  { id: 'F033', zoneId: 'HOAKHANH', sector: 'textiles', discharge: 2600, name: 'Công ty TNHH Dệt may Cát Vàng Bến Gió' },
  { id: 'F034', zoneId: 'HOAKHANH', sector: 'food processing', discharge: 460, name: 'Công ty CP Chế biến Thủy sản Ghe Nan Nhỏ' },
  { id: 'F035', zoneId: 'HOAKHANH', sector: 'electronics', discharge: 700, name: 'Công ty TNHH Linh kiện Điện tử Hạt Cát Sáng' },
  { id: 'F036', zoneId: 'HOAKHANH', sector: 'steel', discharge: 1100, name: 'Công ty TNHH Thép xây dựng Sườn Non Xám' },
];

/**
 * Stations on legacy 5-minute FTP loggers: they report every 300 s and name their files with
 * a prefix other than the station id. Keys are station ids.
 */
const LEGACY_STATIONS = new Set([
  'BN-YENPHONG-F004-NT1',
  'HP-DINHVU-F010-NT1',
  'HP-DINHVU-F010-KT1',
  'HCM-HIEPPHUOC-F022-NT1',
  'HT-VUNGANG-F027-NT1',
  'DNG-HOAKHANH-F034-NT1',
]);

// --- helpers -----------------------------------------------------------------------------------

/** mulberry32 (simulators/prng.ts): a small seeded PRNG, uniform in [0, 1). */
const mulberry32 = createPrng;

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The smallest 1, 2, 2.5 or 5 x 10^k at or above x: an instrument's full scale. */
function fullScale(x: number): number {
  const exp = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= x) return step * exp;
  return 10 * exp;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`make-catalogue: missing ${what}`);
  return value;
}

// --- building ------------------------------------------------------------------------------------

function param(parameter: string, unit: Unit, rangeMin: number, rangeMax: number): StationParameter {
  return { parameter, unit, rangeMin, rangeMax };
}

function wastewaterParameters(f: FacilitySpec): StationParameter[] {
  const peak = (f.discharge / 24) * 3;
  const list = [
    param('Flow', 'm3/h', 0, fullScale(peak)),
    param('Temp', '°C', 0, 100),
    param('pH', 'pH', 0, 14),
    param('TSS', 'mg/L', 0, 500),
    param('COD', 'mg/L', 0, 500),
    param('NH4', 'mg/L', 0, 100),
    param('Color', 'Pt-Co', 0, 500),
  ];
  if (SECTORS[f.sector].nutrients) list.push(param('TN', 'mg/L', 0, 100), param('TP', 'mg/L', 0, 20));
  return list;
}

function wastewaterLimits(f: FacilitySpec, zone: ZoneSpec, measured: StationParameter[]): Limit[] {
  const column = zone.column;
  const coefficients = { Kq: zone.kq, Kf: kf(f.discharge) };
  const limits: Limit[] = [];
  for (const { parameter } of measured) {
    if (parameter === 'pH') {
      limits.push({ parameter, ...QCVN40, column, base: QCVN40_PH.max, lower: QCVN40_PH.lower[column], coefficients: {} });
      continue;
    }
    const base = QCVN40_BASE[parameter as keyof typeof QCVN40_BASE];
    if (base === undefined) continue; // Flow: no limit
    limits.push({
      parameter,
      ...QCVN40,
      column,
      base: base[column],
      coefficients: QCVN40_WITH_COEFFICIENTS.has(parameter) ? { ...coefficients } : {},
    });
  }
  return limits.map(orderLimit);
}

function stackParameters(f: FacilitySpec, designFlow: number): StationParameter[] {
  const sector = SECTORS[f.sector];
  return [
    param('Flow', 'Nm3/h', 0, fullScale(designFlow * 1.5)),
    param('Temp', '°C', 0, sector.stackTempMax),
    param('P', 'kPa', 80, 120),
    param('O2', '%', 0, 25),
    param('PM', 'mg/Nm3', 0, 1000),
    param('SO2', 'mg/Nm3', 0, 2000),
    param('NOx', 'mg/Nm3', 0, 2000),
    param('CO', 'mg/Nm3', 0, 2000),
  ];
}

function stackLimits(zone: ZoneSpec, designFlow: number): Limit[] {
  const coefficients = { Kp: kp(designFlow), Kv: zone.kv };
  return Object.entries(QCVN19_BASE_B).map(([parameter, base]) =>
    orderLimit({ parameter, ...QCVN19, column: 'B', base, coefficients: { ...coefficients } }),
  );
}

/** Fixed key order in the JSON, for readable diffs. */
function orderLimit(l: Limit): Limit {
  return {
    parameter: l.parameter,
    regulation: l.regulation,
    column: l.column,
    base: l.base,
    ...(l.lower === undefined ? {} : { lower: l.lower }),
    coefficients: l.coefficients,
    effectiveFrom: l.effectiveFrom,
    ...(l.effectiveTo === undefined ? {} : { effectiveTo: l.effectiveTo }),
  };
}

/** Builds the catalogue (pure and deterministic); validates it with parseCatalogue. */
export function buildCatalogue(): CatalogueFile {
  const rand = mulberry32(SEED);
  const jitter = (max: number): number => (rand() * 2 - 1) * max;
  const zoneById = new Map(ZONES.map((z) => [z.id, z]));

  const stations: Station[] = [];
  for (const f of FACILITIES) {
    const zone = must(zoneById.get(f.zoneId), `zone ${f.zoneId}`);
    const sector = SECTORS[f.sector];
    // The facility's site within ~0.014 deg of the zone point, its stations within ~0.004 of it.
    const siteLat = zone.lat + jitter(0.014);
    const siteLon = zone.lon + jitter(0.014);
    const place = (): { lat: number; lon: number } => ({ lat: round(siteLat + jitter(0.004), 5), lon: round(siteLon + jitter(0.004), 5) });
    const prefix = `${zone.code}-${zone.id}-${f.id}`;
    const legacy = (id: string, suffix: string) =>
      LEGACY_STATIONS.has(id) ? { intervalS: 300, legacyPrefix: `${zone.legacy}_${f.id}_${suffix}` } : { intervalS: 60 };

    const nt = `${prefix}-NT1`;
    const ntParams = wastewaterParameters(f);
    stations.push({
      id: nt,
      facilityId: f.id,
      name: `${f.name} – Nước thải, cửa xả số 1`,
      kind: 'wastewater',
      ...place(),
      ...legacy(nt, 'NT'),
      parameters: ntParams,
      limits: wastewaterLimits(f, zone, ntParams),
    });

    for (let n = 1; n <= sector.stacks; n++) {
      const kt = `${prefix}-KT${n}`;
      const designFlow = Math.round((sector.stackFlow * (0.7 + rand() * 0.6)) / 1000) * 1000;
      stations.push({
        id: kt,
        facilityId: f.id,
        name: `${f.name} – Khí thải, ống khói số ${n}`,
        kind: 'stack',
        ...place(),
        ...legacy(kt, n === 1 ? 'KT' : `KT${n}`),
        parameters: stackParameters(f, designFlow),
        limits: stackLimits(zone, designFlow),
      });
    }
  }

  for (const id of LEGACY_STATIONS)
    must(
      stations.find((s) => s.id === id),
      `legacy station ${id}`,
    );

  const used = new Set(stations.flatMap((s) => s.parameters.map((p) => p.parameter)));
  const catalogue: CatalogueFile = {
    version: 1,
    parameters: PARAMETERS.filter((p) => used.has(p.symbol)),
    zones: ZONES.map(({ id, name, province, lat, lon }) => ({ id, name, province, lat, lon })),
    facilities: FACILITIES.map(({ id, zoneId, name, sector }): Facility => ({ id, zoneId, name, sector })),
    stations,
  };
  parseCatalogue(catalogue); // throws a CatalogueError naming the bad entry
  return catalogue;
}

/** The exact text of seeds/catalogue.json. */
export function catalogueText(): string {
  return `${JSON.stringify(buildCatalogue(), null, 2)}\n`;
}

async function main(): Promise<void> {
  const text = catalogueText();
  // Round-trip the text itself too, so what is written is what loads.
  parseCatalogue(JSON.parse(text));
  const c = JSON.parse(text) as CatalogueFile;
  const summary =
    `${c.zones.length} zones, ${c.facilities.length} facilities, ${c.stations.length} stations ` +
    `(${c.stations.filter((s) => s.kind === 'wastewater').length} wastewater, ${c.stations.filter((s) => s.kind === 'stack').length} stack)`;
  if (process.argv.includes('--check')) {
    const current = await readFile(CATALOGUE_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(`${CATALOGUE_PATH} is out of date: run npx tsx scripts/make-catalogue.ts`);
      process.exitCode = 1;
      return;
    }
    console.log(`${CATALOGUE_PATH} is up to date: ${summary}`);
    return;
  }
  await writeFile(CATALOGUE_PATH, text, 'utf8');
  console.log(`wrote ${CATALOGUE_PATH}: ${summary}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
