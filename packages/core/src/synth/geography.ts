/**
 * Bastar division as the generator sees it (domain.md §5.2): the seven districts, their blocks,
 * Census 2011 population weights, HQ PIN codes, and where the hospitals and CHCs sit.
 * The block → CHC mapping is illustrative [uncertain in the source]: 41 CHCs over 32 blocks, so the
 * populous blocks get a second CHC at a real town of that block.
 */
import { Prng } from '../testing/prng.js'

/** The seven districts of Bastar division. */
export type DistrictName = 'Bastar' | 'Kanker' | 'Kondagaon' | 'Narayanpur' | 'Bijapur' | 'Dantewada' | 'Sukma'

/** A district: population weight, HQ PIN, whether it is in the Gondi-speaking south, and its blocks. */
export interface DistrictInfo {
  name: DistrictName
  /** Census 2011 population (post-2012 boundaries), used as a sampling weight. */
  population: number
  pin: string
  /** South of Jagdalpur: more Gondi names, worse links (domain.md §5.2, §6). */
  south: boolean
  blocks: readonly string[]
}

/** The districts in a fixed order (the order drives deterministic generation; do not sort). */
export const DISTRICTS: readonly DistrictInfo[] = [
  {
    name: 'Bastar',
    population: 834_375,
    pin: '494001',
    south: false,
    blocks: ['Jagdalpur', 'Bastar', 'Bakawand', 'Lohandiguda', 'Tokapal', 'Darbha', 'Bastanar']
  },
  {
    name: 'Kanker',
    population: 748_941,
    pin: '494334',
    south: false,
    blocks: ['Kanker', 'Charama', 'Narharpur', 'Bhanupratappur', 'Durgukondal', 'Antagarh', 'Koylibeda']
  },
  {
    name: 'Kondagaon',
    population: 578_824,
    pin: '494226',
    south: false,
    blocks: ['Kondagaon', 'Keshkal', 'Pharasgaon', 'Makdi', 'Baderajpur']
  },
  { name: 'Narayanpur', population: 139_820, pin: '494661', south: true, blocks: ['Narayanpur', 'Orchha'] },
  {
    name: 'Bijapur',
    population: 255_230,
    pin: '494444',
    south: true,
    blocks: ['Bijapur', 'Bhairamgarh', 'Usoor', 'Bhopalpatnam']
  },
  {
    name: 'Dantewada',
    population: 283_479,
    pin: '494449',
    south: true,
    blocks: ['Dantewada', 'Geedam', 'Kuakonda', 'Katekalyan']
  },
  { name: 'Sukma', population: 250_159, pin: '494111', south: true, blocks: ['Sukma', 'Chhindgarh', 'Konta'] }
]

/** A hospital site: where the DHs and CHs are (6 DH, 2 CH; Kondagaon's main hospital is a CH). */
export interface HospitalSite {
  kind: 'DH' | 'CH'
  name: string
  district: DistrictName
  block: string
}

/** The 6 district hospitals and 2 civil hospitals. */
export const HOSPITALS: readonly HospitalSite[] = [
  { kind: 'DH', name: 'District Hospital Jagdalpur', district: 'Bastar', block: 'Jagdalpur' },
  { kind: 'DH', name: 'District Hospital Kanker', district: 'Kanker', block: 'Kanker' },
  { kind: 'DH', name: 'District Hospital Narayanpur', district: 'Narayanpur', block: 'Narayanpur' },
  { kind: 'DH', name: 'District Hospital Bijapur', district: 'Bijapur', block: 'Bijapur' },
  { kind: 'DH', name: 'District Hospital Dantewada', district: 'Dantewada', block: 'Dantewada' },
  { kind: 'DH', name: 'District Hospital Sukma', district: 'Sukma', block: 'Sukma' },
  { kind: 'CH', name: 'Civil Hospital Kondagaon', district: 'Kondagaon', block: 'Kondagaon' },
  { kind: 'CH', name: 'Civil Hospital Bhanupratappur', district: 'Kanker', block: 'Bhanupratappur' }
]

/** A CHC site: its town and block. */
export interface ChcSite {
  town: string
  district: DistrictName
  block: string
}

function chcs(district: DistrictName, pairs: readonly (readonly [string, string])[]): ChcSite[] {
  return pairs.map(([town, block]) => ({ town, district, block }))
}

/** The 41 CHCs: one at most block HQs, a second in the populous blocks, none where the DH is. */
export const CHC_SITES: readonly ChcSite[] = [
  ...chcs('Bastar', [
    ['Bastar', 'Bastar'],
    ['Bakawand', 'Bakawand'],
    ['Lohandiguda', 'Lohandiguda'],
    ['Tokapal', 'Tokapal'],
    ['Darbha', 'Darbha'],
    ['Bastanar', 'Bastanar'],
    ['Nagarnar', 'Jagdalpur'],
    ['Karpawand', 'Bakawand'],
    ['Bhanpuri', 'Bastar']
  ]),
  ...chcs('Kanker', [
    ['Charama', 'Charama'],
    ['Lakhanpuri', 'Charama'],
    ['Narharpur', 'Narharpur'],
    ['Korar', 'Bhanupratappur'],
    ['Durgukondal', 'Durgukondal'],
    ['Antagarh', 'Antagarh'],
    ['Amabeda', 'Antagarh'],
    ['Koylibeda', 'Koylibeda'],
    ['Pakhanjur', 'Koylibeda']
  ]),
  ...chcs('Kondagaon', [
    ['Mardapal', 'Kondagaon'],
    ['Keshkal', 'Keshkal'],
    ['Dhanora', 'Keshkal'],
    ['Pharasgaon', 'Pharasgaon'],
    ['Makdi', 'Makdi'],
    ['Baderajpur', 'Baderajpur'],
    ['Bayanar', 'Pharasgaon']
  ]),
  ...chcs('Narayanpur', [
    ['Orchha', 'Orchha'],
    ['Benoor', 'Narayanpur'],
    ['Sonpur', 'Narayanpur']
  ]),
  ...chcs('Bijapur', [
    ['Bhairamgarh', 'Bhairamgarh'],
    ['Usoor', 'Usoor'],
    ['Bhopalpatnam', 'Bhopalpatnam'],
    ['Gangaloor', 'Bijapur']
  ]),
  ...chcs('Dantewada', [
    ['Geedam', 'Geedam'],
    ['Barsoor', 'Geedam'],
    ['Kuakonda', 'Kuakonda'],
    ['Kirandul', 'Kuakonda'],
    ['Katekalyan', 'Katekalyan']
  ]),
  ...chcs('Sukma', [
    ['Chhindgarh', 'Chhindgarh'],
    ['Tongpal', 'Chhindgarh'],
    ['Konta', 'Konta'],
    ['Dornapal', 'Konta']
  ])
]

/**
 * Which DH is the referral hub of each district's CHCs. Kondagaon has no DH of its own among the six
 * (its main hospital is a CH), so its CHCs refer to Jagdalpur, the nearest DH and the usual route.
 */
export const HUB_DISTRICT: Readonly<Record<DistrictName, DistrictName>> = {
  Bastar: 'Bastar',
  Kanker: 'Kanker',
  Kondagaon: 'Bastar',
  Narayanpur: 'Narayanpur',
  Bijapur: 'Bijapur',
  Dantewada: 'Dantewada',
  Sukma: 'Sukma'
}

// Village name stems common across Bastar; a block's villages are drawn from them. Many real
// village names repeat across blocks, so repetition here is realistic.
const VILLAGE_STEMS = [
  'Kilepal',
  'Tongpal',
  'Pakela',
  'Bodli',
  'Kukanar',
  'Errabor',
  'Gadiras',
  'Polampalli',
  'Mardum',
  'Kakalur',
  'Bhansi',
  'Nelsnar',
  'Mirtur',
  'Farsegarh',
  'Tarlaguda',
  'Kutru',
  'Jagargunda',
  'Chintalnar',
  'Basaguda',
  'Gumiyapal',
  'Potali',
  'Kumhrawand',
  'Chitrakot',
  'Lamni',
  'Nangur',
  'Beljhari',
  'Bhatpal',
  'Alnar',
  'Tirathgarh',
  'Nendur',
  'Kodenar',
  'Sargipal',
  'Masenar',
  'Aranpur',
  'Palnar',
  'Jabeli',
  'Kundenar',
  'Tumnar',
  'Kodoli',
  'Binjam',
  'Dhaudai',
  'Kohkameta',
  'Akabeda',
  'Pharsabeda',
  'Kolar',
  'Bhanbeda',
  'Sarona',
  'Amoda',
  'Kachhe',
  'Hatkarra',
  'Sirisguda',
  'Chingpal',
  'Tokanar',
  'Badekilepal',
  'Chhotedongar',
  'Kodagaon',
  'Murnar',
  'Pusnar',
  'Gorra',
  'Karli',
  'Mungaput',
  'Dewada',
  'Erpund',
  'Kasoli',
  'Madpal'
]

function hash32(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h
}

const villageCache = new Map<string, readonly string[]>()

/**
 * The villages of a block: 14 names, the same for every seed (they are geography, not patients),
 * with `para` (hamlet) variants so two blocks rarely share a full list.
 */
export function villagesOf(district: DistrictName, block: string): readonly string[] {
  const key = `${district}/${block}`
  const cached = villageCache.get(key)
  if (cached !== undefined) return cached
  const prng = new Prng(hash32(key))
  const out = new Set<string>()
  while (out.size < 14) {
    const stem = prng.pick(VILLAGE_STEMS)
    out.add(prng.chance(0.2) ? `${stem} ${prng.pick(['Patelpara', 'Schoolpara', 'Nayapara', 'Gudapara'])}` : stem)
  }
  const list = [...out]
  villageCache.set(key, list)
  return list
}

/** The district info for a name. */
export function district(name: DistrictName): DistrictInfo {
  const found = DISTRICTS.find(d => d.name === name)
  if (found === undefined) throw new TypeError(`unknown district ${String(name)}`)
  return found
}
