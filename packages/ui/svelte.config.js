// Svelte compiler options for the clinician app. Runes everywhere: no legacy reactive syntax.
/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  compilerOptions: { runes: true }
}
