/**
 * Names as registration clerks in Bastar write them (domain.md §5.2, §7): Gondi and Halbi given names
 * (many after the weekday of birth: Somaru, Mangalu, Budhru …), Gondi, Halbi and Hindi surnames, and
 * the transliteration variants that make the same person look like two.
 */
import type { Prng } from '../testing/prng.js'

const MALE_TRIBAL = [
  'Somaru',
  'Mangalu',
  'Budhru',
  'Sukhram',
  'Budhram',
  'Itwaru',
  'Shukru',
  'Hidma',
  'Deva',
  'Joga',
  'Bheema',
  'Masa',
  'Lakhmu',
  'Kosa',
  'Sannu',
  'Aaytu',
  'Podiya',
  'Muka',
  'Irma',
  'Kesa',
  'Lachhu',
  'Mangtu',
  'Dashru',
  'Bamon',
  'Sukku',
  'Ganga',
  'Budhu',
  'Jogi',
  'Hunga',
  'Boda'
]
const MALE_HINDI = [
  'Ramesh',
  'Raju',
  'Santosh',
  'Dinesh',
  'Mahesh',
  'Ramlal',
  'Shivram',
  'Sukhdev',
  'Laxman',
  'Ramu',
  'Sunil',
  'Anil',
  'Manoj',
  'Rajesh',
  'Tularam',
  'Dhanuram',
  'Ghasiram',
  'Mohan',
  'Kishore',
  'Vikas'
]
const FEMALE_TRIBAL = [
  'Somari',
  'Mangli',
  'Budhri',
  'Sukhmati',
  'Itwari',
  'Shukri',
  'Hidme',
  'Kosi',
  'Lakhme',
  'Sukki',
  'Bhime',
  'Mase',
  'Paike',
  'Aayte',
  'Sonmati',
  'Phulmati',
  'Rambati',
  'Sukhiya',
  'Budhiyarin',
  'Jayanti',
  'Kamli',
  'Lakhmi',
  'Mangai',
  'Sunni',
  'Dasri',
  'Hungi',
  'Joge'
]
const FEMALE_HINDI = [
  'Sunita',
  'Kamla',
  'Sarita',
  'Lalita',
  'Geeta',
  'Radha',
  'Meena',
  'Pinky',
  'Rekha',
  'Savitri',
  'Anita',
  'Pushpa',
  'Jamuna',
  'Durga',
  'Kiran',
  'Shanti',
  'Usha',
  'Parvati',
  'Sangeeta',
  'Rinki'
]
const SURNAMES_SOUTH = [
  'Kawasi',
  'Madkami',
  'Sodi',
  'Podiyami',
  'Oyami',
  'Punem',
  'Kunjam',
  'Muchaki',
  'Madvi',
  'Hemla',
  'Kadti',
  'Telam',
  'Kartam',
  'Vetti',
  'Markam',
  'Mandavi',
  'Kashyap',
  'Nag',
  'Poyam',
  'Korram'
]
const SURNAMES_NORTH = [
  'Netam',
  'Markam',
  'Mandavi',
  'Kashyap',
  'Baghel',
  'Nag',
  'Poyam',
  'Korram',
  'Uikey',
  'Dhruw',
  'Salam',
  'Kunjam',
  'Sori',
  'Potai',
  'Kachlam',
  'Sahu',
  'Yadav',
  'Thakur',
  'Nishad',
  'Dewangan',
  'Sinha',
  'Patel'
]

/** A surname's spellings seen on registers; the first is the canonical one. */
const SURNAME_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  Kawasi: ['Kawasi', 'Kavasi', 'Kowasi'],
  Madkami: ['Madkami', 'Madkam', 'Markami'],
  Podiyami: ['Podiyami', 'Podiami', 'Pudiyami'],
  Mandavi: ['Mandavi', 'Mandawi', 'Madavi'],
  Dhruw: ['Dhruw', 'Dhruv', 'Dhurw'],
  Uikey: ['Uikey', 'Uike', 'Uikay'],
  Oyami: ['Oyami', 'Oyam'],
  Muchaki: ['Muchaki', 'Muchki'],
  Korram: ['Korram', 'Koram'],
  Kashyap: ['Kashyap', 'Kashyup', 'Kasyap'],
  Baghel: ['Baghel', 'Bagel'],
  Netam: ['Netam', 'Naitam'],
  Markam: ['Markam', 'Markaam'],
  Madvi: ['Madvi', 'Madavi'],
  Kunjam: ['Kunjam', 'Kunjaam'],
  Poyam: ['Poyam', 'Poyaam'],
  Punem: ['Punem', 'Poonem'],
  Sodi: ['Sodi', 'Sori']
}

// Romanisation swaps clerks make (ordered; each applies to the first match only).
const SWAPS: readonly (readonly [RegExp, string])[] = [
  [/u$/, 'oo'],
  [/oo/, 'u'],
  [/ee/, 'i'],
  [/i$/, 'ee'],
  [/w/, 'v'],
  [/v/, 'w'],
  [/aa/, 'a'],
  [/sh/, 's'],
  [/dh/, 'd'],
  [/kh/, 'k'],
  [/a(?=[^aeiou][aeiou])/, 'aa'],
  [/ai/, 'e'],
  [/y/, 'i']
]

/** A person's name in parts. */
export interface PersonName {
  given: string
  surname: string
}

/** A given name for the sex and district (more Gondi/Halbi names in the south, more Hindi in the north). */
export function givenName(prng: Prng, sex: 'female' | 'male', south: boolean): string {
  const tribal = prng.chance(south ? 0.85 : 0.55)
  if (sex === 'female') return prng.pick(tribal ? FEMALE_TRIBAL : FEMALE_HINDI)
  return prng.pick(tribal ? MALE_TRIBAL : MALE_HINDI)
}

/** A surname for the district. */
export function surname(prng: Prng, south: boolean): string {
  return prng.pick(south ? SURNAMES_SOUTH : SURNAMES_NORTH)
}

/** One transliteration variant of a single word, different from it when any rule applies. */
export function wordVariant(prng: Prng, word: string): string {
  const known = SURNAME_VARIANTS[word]
  if (known !== undefined && prng.chance(0.7)) {
    const others = known.filter(v => v !== word)
    if (others.length > 0) return prng.pick(others)
  }
  const lower = word.toLowerCase()
  const applicable = SWAPS.filter(([re]) => re.test(lower))
  if (applicable.length === 0) return word
  const [re, to] = prng.pick(applicable)
  const out = lower.replace(re, to)
  return out.charAt(0).toUpperCase() + out.slice(1)
}

/** A full-name variant, always different from the name: a respelled given name, surname or both, else an initial. */
export function nameVariant(prng: Prng, name: PersonName): string {
  const original = fullName(name)
  for (let i = 0; i < 6; i++) {
    const which = prng.weighted([
      ['given', 4],
      ['surname', 4],
      ['both', 2]
    ] as const)
    const g = which === 'surname' ? name.given : wordVariant(prng, name.given)
    const s = which === 'given' ? name.surname : wordVariant(prng, name.surname)
    if (`${g} ${s}` !== original) return `${g} ${s}`
  }
  // Clerks also abbreviate the given name to its initial.
  return `${name.given.charAt(0)}. ${name.surname}`
}

/** The display form of a name. */
export function fullName(name: PersonName): string {
  return `${name.given} ${name.surname}`
}
