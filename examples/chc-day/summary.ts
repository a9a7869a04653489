/** A readable summary of one synthetic CHC OPD day. */
import type { DiagnosisGroup, SynthChcDay } from '@pagdandi/core/synth'

const GROUP_LABEL: Record<DiagnosisGroup, string> = {
  'fever-malaria': 'Fever / malaria',
  ari: 'Acute respiratory infection',
  diarrhoea: 'Diarrhoea',
  skin: 'Skin',
  musculoskeletal: 'Musculoskeletal',
  'acid-peptic': 'Acid-peptic disease',
  anaemia: 'Anaemia',
  anc: 'Antenatal care',
  'tb-suspect': 'Presumptive TB',
  'htn-dm': 'Hypertension / diabetes',
  'injury-bite': 'Injuries and bites',
  'sickle-cell': 'Sickle cell',
  'symptom-only': 'Symptoms only'
}

const TRANSPORT: Record<string, string> = { 108: '108 ambulance', 102: '102 ambulance', own: 'own transport' }

// Times are stored in UTC; the clinic reads them in IST (UTC+05:30).
const ist = (at: string): string => new Date(Date.parse(at) + 330 * 60_000).toISOString().slice(11, 16)

const pct = (n: number, of: number): string => (of === 0 ? '0%' : `${Math.round((100 * n) / of)}%`)

/** Summarises a CHC day as multi-line text: OPD by diagnosis group, referrals, ABHA share and duplicates. */
export function summariseChcDay(day: SynthChcDay): string {
  const visits = day.patients.flatMap(p => p.visits)
  const total = day.patients.length
  const lines = [
    `${day.facility.name} (${day.facility.id}), ${day.facility.block} block, ${day.facility.district} district`,
    `OPD on ${day.date}: ${total} patients`,
    '',
    'By diagnosis group:'
  ]
  const counts = new Map<DiagnosisGroup, number>()
  for (const v of visits) counts.set(v.group, (counts.get(v.group) ?? 0) + 1)
  const width = Math.max(...Object.values(GROUP_LABEL).map(l => l.length))
  for (const [group, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    lines.push(`  ${GROUP_LABEL[group].padEnd(width)}  ${String(n).padStart(4)}  ${pct(n, visits.length).padStart(4)}`)
  }
  const referred = visits.filter(v => v.referral !== undefined)
  lines.push('', `Referrals: ${referred.length} (${pct(referred.length, total)} of OPD)`)
  for (const v of referred) {
    const r = v.referral!
    lines.push(
      `  ${ist(v.at)} IST  ${r.input.urgency.padEnd(9)} to ${r.toName} by ${TRANSPORT[r.input.transport]}: ${r.input.reason}`
    )
  }
  const atRegistration = day.patients.filter(p => p.registration.abhaNumber !== undefined).length
  const linkedToday = day.patients.filter(p => p.abhaLinkedLater !== undefined).length
  lines.push(
    '',
    `ABHA-linked: ${atRegistration + linkedToday} of ${total} (${pct(atRegistration + linkedToday, total)}); ${linkedToday} linked today`
  )
  const duplicates = day.patients.filter(p => p.duplicateOf !== undefined)
  lines.push(
    `Duplicate registrations (same person registered elsewhere): ${duplicates.length} (${pct(duplicates.length, total)})`
  )
  return lines.join('\n')
}
