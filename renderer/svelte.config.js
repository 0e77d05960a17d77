/** Read by @sveltejs/vite-plugin-svelte and svelte-check. */
export default {
  compilerOptions: {
    // Svelte 5 runes everywhere; legacy `let` reactivity and `$:` are errors.
    runes: true,
  },
};
