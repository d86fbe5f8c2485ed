import { z } from 'zod';
import { UnitSchema } from './units.js';

/** A station id per PROTOCOL.md, "Identity". */
export const StationIdSchema = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{2,63}$/, 'station id must match ^[A-Z0-9][A-Z0-9_-]{2,63}$');
const IdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'id must be letters, digits, _ or -');
const LatSchema = z.number().min(-90).max(90);
const LonSchema = z.number().min(-180).max(180);
const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD');

export const StationKindSchema = z.enum(['wastewater', 'stack']);
export type StationKind = z.infer<typeof StationKindSchema>;

/** A receiving water body: where outfalls discharge (river, canal, lake, sea) or stacks emit (airshed). */
export const WaterBodySchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    kind: z.enum(['river', 'canal', 'lake', 'sea', 'airshed']),
  })
  .strict();
export type WaterBody = z.infer<typeof WaterBodySchema>;

/** A zone's central wastewater treatment plant: the stations at its inlet and its outlet, where they exist. */
export const TreatmentPlantSchema = z
  .object({
    inlet: StationIdSchema.optional(),
    outlet: StationIdSchema.optional(),
  })
  .strict();
export type TreatmentPlant = z.infer<typeof TreatmentPlantSchema>;

export const ZoneSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1),
    province: z.string().min(1),
    lat: LatSchema,
    lon: LonSchema,
    treatmentPlant: TreatmentPlantSchema.optional(),
  })
  .strict();
export type Zone = z.infer<typeof ZoneSchema>;

export const FacilitySchema = z
  .object({
    id: IdSchema,
    zoneId: IdSchema,
    name: z.string().min(1),
    sector: z.string().min(1),
  })
  .strict();
export type Facility = z.infer<typeof FacilitySchema>;

/** A parameter symbol of the regulation's symbol table (docs/DOMAIN.md). */
export const ParameterSchema = z
  .object({
    symbol: z.string().regex(/^[A-Za-z][A-Za-z0-9,._]{0,15}$/, 'symbol must be a short regulation symbol'),
    name: z.string().min(1),
    nameVi: z.string().min(1),
    units: z.array(UnitSchema).min(1),
  })
  .strict();
export type Parameter = z.infer<typeof ParameterSchema>;

/** One parameter measured at a station, with its unit and the instrument's range. */
export const StationParameterSchema = z
  .object({
    parameter: z.string().min(1),
    unit: UnitSchema,
    rangeMin: z.number().optional(),
    rangeMax: z.number().optional(),
  })
  .strict();
export type StationParameter = z.infer<typeof StationParameterSchema>;

/**
 * A limit in force for one parameter of one station: Cmax = base x product(coefficients)
 * (QCVN 40:2011 C x Kq x Kf; QCVN 19:2009 C x Kp x Kv). `lower` is for pH only, which
 * takes no coefficients. Limits change with regulations and permits, hence the dates.
 */
export const LimitSchema = z
  .object({
    parameter: z.string().min(1),
    regulation: z.string().min(1),
    column: z.string().min(1),
    base: z.number().positive(),
    lower: z.number().optional(),
    coefficients: z.record(z.string(), z.number().positive()).default({}),
    effectiveFrom: DateSchema,
    effectiveTo: DateSchema.optional(),
  })
  .strict();
export type Limit = z.infer<typeof LimitSchema>;

export const StationSchema = z
  .object({
    id: StationIdSchema,
    facilityId: IdSchema,
    name: z.string().min(1),
    kind: StationKindSchema,
    lat: LatSchema,
    lon: LonSchema,
    /** How often the gateway reports, for staleness rules. */
    intervalS: z.number().int().positive(),
    /** File-name prefix used by the legacy FTP transfer, when it differs from the id. */
    legacyPrefix: z.string().min(1).optional(),
    /** The receiving water body and the station's position along it, upstream first (0, 1, 2 ...). */
    water: z
      .object({ body: IdSchema, order: z.number().int().min(0) })
      .strict()
      .optional(),
    parameters: z.array(StationParameterSchema).min(1),
    limits: z.array(LimitSchema).default([]),
  })
  .strict();
export type Station = z.infer<typeof StationSchema>;

export const CatalogueSchema = z
  .object({
    version: z.literal(1),
    parameters: z.array(ParameterSchema).min(1),
    zones: z.array(ZoneSchema).min(1),
    waters: z.array(WaterBodySchema).optional(),
    facilities: z.array(FacilitySchema),
    stations: z.array(StationSchema),
  })
  .strict();
export type CatalogueFile = z.infer<typeof CatalogueSchema>;
