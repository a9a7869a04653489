/** Seeded generator of the 49 Bastar facilities (6 DH, 2 CH, 41 CHC) with HFR-format ids and link profiles. */
import type { FacilityId, FacilityKind, PractitionerId } from '../record/index.js'
import { Prng } from '../testing/prng.js'
import { CHC_SITES, HOSPITALS, HUB_DISTRICT, district, type DistrictName } from './geography.js'
import { synthHfrId, synthHprId } from './identifiers.js'

/** The link presets of domain.md §6.3 that facilities are given. */
export type LinkProfileName = 'vsat-geo' | 'bharatnet-fibre' | '4g-rural-congested' | 'edge' | 'lwe-2g-vsat'

/** A synthetic facility. Plain data: safe to JSON-serialise. */
export interface SynthFacility {
  id: FacilityId
  name: string
  kind: FacilityKind
  district: DistrictName
  block: string
  pin: string
  /** Name of the link emulator profile this facility's uplink behaves like. */
  link: LinkProfileName
  /** For a CHC: the DH it refers to and syncs through. DHs and CHs have none. */
  hub?: FacilityId
  /** Typical OPD registrations on an ordinary weekday (domain.md §5.3). */
  opdPerDay: number
  /** Day of the week (0 = Sunday) of the nearest haat bazaar, when attendance rises. CHCs only. */
  haatDay?: number
  /** HPR ids of the doctors who see OPD patients here. */
  practitioners: PractitionerId[]
}

// Measured daily OPD for the two DHs with published figures (domain.md §5.1); the rest are drawn.
const MEASURED_DH_OPD: Partial<Record<DistrictName, number>> = { Bastar: 700, Dantewada: 400 }

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x))
}

function uniqueHfr(prng: Prng, used: Set<string>): FacilityId {
  for (;;) {
    const id = synthHfrId(prng)
    if (!used.has(id)) {
      used.add(id)
      return id
    }
  }
}

function practitioners(prng: Prng, n: number): PractitionerId[] {
  return Array.from({ length: n }, () => synthHprId(prng))
}

/**
 * The 49 facilities of Bastar division, same seed → same ids, volumes and links.
 * Order: hospitals (DHs then CHs), then CHCs by district.
 */
export function generateFacilities(seed: number): SynthFacility[] {
  const prng = new Prng(seed)
  const used = new Set<string>()
  const out: SynthFacility[] = []
  const dhByDistrict = new Map<DistrictName, FacilityId>()

  for (const site of HOSPITALS) {
    const d = district(site.district)
    const id = uniqueHfr(prng, used)
    if (site.kind === 'DH') dhByDistrict.set(site.district, id)
    // Towns in the north mostly have BharatNet fibre; the southern district HQs mostly rely on VSAT.
    const link: LinkProfileName = prng.chance(d.south ? 0.3 : 0.75) ? 'bharatnet-fibre' : 'vsat-geo'
    const opd =
      site.kind === 'DH'
        ? (MEASURED_DH_OPD[site.district] ?? Math.round(d.south ? prng.int(250, 330) : prng.int(330, 450)))
        : prng.int(120, 250)
    out.push({
      id,
      name: site.name,
      kind: site.kind,
      district: site.district,
      block: site.block,
      pin: d.pin,
      link,
      opdPerDay: opd,
      practitioners: practitioners(prng, site.kind === 'DH' ? prng.int(12, 30) : prng.int(6, 12))
    })
  }

  for (const site of CHC_SITES) {
    const d = district(site.district)
    const id = uniqueHfr(prng, used)
    // LWE Phase-I 2G towers on VSAT backhaul are concentrated in the south (domain.md §6.1).
    const link = prng.weighted<LinkProfileName>(
      d.south
        ? [
            ['4g-rural-congested', 0.15],
            ['edge', 0.35],
            ['lwe-2g-vsat', 0.5]
          ]
        : [
            ['4g-rural-congested', 0.5],
            ['edge', 0.35],
            ['lwe-2g-vsat', 0.15]
          ]
    )
    // Median ~100/day, range 40–250 (domain.md §5.3): a log-normal draw, clamped.
    const opd = Math.round(clamp(Math.exp(prng.normal(Math.log(100), 0.4)), 40, 250))
    const hub = dhByDistrict.get(HUB_DISTRICT[site.district])
    out.push({
      id,
      name: `CHC ${site.town}`,
      kind: 'CHC',
      district: site.district,
      block: site.block,
      pin: d.pin,
      link,
      ...(hub === undefined ? {} : { hub }),
      opdPerDay: opd,
      haatDay: prng.int(1, 6),
      practitioners: practitioners(prng, prng.int(2, 6))
    })
  }
  return out
}

/** The facilities of one district. */
export function facilitiesIn(facilities: readonly SynthFacility[], name: DistrictName): SynthFacility[] {
  return facilities.filter(f => f.district === name)
}

/** The number of districts the generator knows (7). */
