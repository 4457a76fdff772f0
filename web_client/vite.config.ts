// One multi-page build: each screen is its own small entry so a phone only loads what it shows.
import { defineConfig } from "vite";

const pages = ["index", "join", "hearing", "terminal", "archive", "public"];

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    rollupOptions: {
      input: Object.fromEntries(pages.map((name) => [name, `${name}.html`])),
    },
  },
});
