// Lets tsc check the TypeScript around the components; vitepress compiles the .vue files.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent;
  export default component;
}
