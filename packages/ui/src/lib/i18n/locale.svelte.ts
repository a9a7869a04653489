/** The user's language (Hindi or English), remembered on this PC, and message lookup. */
import { en, type MessageKey } from './en.js'
import { hi } from './hi.js'

/** Languages the app speaks. */
export type Lang = 'en' | 'hi'

const catalogues: Record<Lang, Record<MessageKey, string>> = { en, hi }
const STORAGE_KEY = 'pagdandi.lang'

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'hi') return saved
  } catch {
    /* storage disabled: fall through */
  }
  return typeof navigator !== 'undefined' && navigator.language.startsWith('hi') ? 'hi' : 'en'
}

/** The current language; `t` re-renders whatever reads it when the language changes. */
export class Locale {
  #lang = $state<Lang>(initialLang())

  /** The language in use. */
  get current(): Lang {
    return this.#lang
  }

  /** Switches language and remembers the choice. */
  set(lang: Lang): void {
    this.#lang = lang
    try {
      localStorage.setItem(STORAGE_KEY, lang)
    } catch {
      /* not remembered; still switched */
    }
    document.documentElement.lang = lang
  }

  /** The message for `key` in the current language, with `{name}` placeholders filled. */
  t(key: MessageKey, params?: Record<string, string | number>): string {
    const text = catalogues[this.#lang][key]
    if (!params) return text
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
  }

  /** Whether `key` names a message (for keys built at run time, such as field names). */
  has(key: string): key is MessageKey {
    return key in catalogues.en
  }
}

/** The app's locale. */
export const locale = new Locale()

/** Shorthand for `locale.t`. */
export const t = (key: MessageKey, params?: Record<string, string | number>): string => locale.t(key, params)
