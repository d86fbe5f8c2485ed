import type { Parameter, Zone } from '../../core/catalogue-schema.js';
import type { Column } from './regulations.js';

/**
 * The demo's places (docs/DOMAIN.md, "Demo catalogue"): the regulation's parameter symbols,
 * real industrial zones, and FICTIONAL facilities (see scripts/make-catalogue.ts).
 */

/** The regulation's parameter symbols (docs/DOMAIN.md, "Stations and parameters"); the catalogue keeps those its stations measure. */
export const PARAMETERS: Parameter[] = [
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

// --- zones (real industrial zones, docs/DOMAIN.md; coordinates approximate) -----------------------

export interface ZoneSpec extends Zone {
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

export const ZONES: ZoneSpec[] = [
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

export type Sector = 'electronics' | 'food processing' | 'textiles' | 'paper' | 'chemicals' | 'steel' | 'cement' | 'thermal power';

export interface SectorSpec {
  /** Stack stations (0 for light industry without a monitored stack). */
  stacks: number;
  /** Design flow of one stack, Nm3/h (varied per facility). */
  stackFlow: number;
  /** Stack gas temperature instrument range, °C. */
  stackTempMax: number;
  /** Wastewater also measured for TN and TP. */
  nutrients: boolean;
}

export const SECTORS: Record<Sector, SectorSpec> = {
  electronics: { stacks: 0, stackFlow: 0, stackTempMax: 0, nutrients: false },
  'food processing': { stacks: 1, stackFlow: 14_000, stackTempMax: 400, nutrients: true },
  textiles: { stacks: 1, stackFlow: 40_000, stackTempMax: 400, nutrients: true },
  paper: { stacks: 1, stackFlow: 90_000, stackTempMax: 400, nutrients: true },
  chemicals: { stacks: 1, stackFlow: 50_000, stackTempMax: 400, nutrients: true },
  steel: { stacks: 1, stackFlow: 350_000, stackTempMax: 600, nutrients: false },
  cement: { stacks: 1, stackFlow: 280_000, stackTempMax: 600, nutrients: false },
  'thermal power': { stacks: 2, stackFlow: 1_100_000, stackTempMax: 400, nutrients: false },
};

export interface FacilitySpec {
  id: string;
  zoneId: string;
  name: string;
  sector: Sector;
  /** Permitted wastewater discharge, m3/day (sets Kf). */
  discharge: number;
}

export const FACILITIES: FacilitySpec[] = [
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
export const LEGACY_STATIONS = new Set([
  'BN-YENPHONG-F004-NT1',
  'HP-DINHVU-F010-NT1',
  'HP-DINHVU-F010-KT1',
  'HCM-HIEPPHUOC-F022-NT1',
  'HT-VUNGANG-F027-NT1',
  'DNG-HOAKHANH-F034-NT1',
]);
