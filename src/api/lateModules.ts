import { buildCreateApi, coreModule } from '@reduxjs/toolkit/query';
import type { CoreModule, Module } from '@reduxjs/toolkit/query';

/*
 * RTK Query gives an API slice its React hooks through a module passed to
 * `buildCreateApi` when the slice is created. The core entry must load without
 * React, so the chat's one API slice is created with the core module plus a
 * slot: the slot remembers what a module is initialized with (the api, its
 * options, its context and every endpoint injected so far) and initializes a
 * module given later the same way. `unet-chat-redux/react` plugs RTK Query's
 * own `reactHooksModule()` in when it is imported: one API slice, one cache,
 * RTK Query's own hooks.
 */

type ModuleInit = Module<CoreModule>['init'];
type InitializedModule = ReturnType<ModuleInit>;
type InjectedEndpoint = Parameters<InitializedModule['injectEndpoint']>;
type InitArgs = Parameters<ModuleInit>;

/**
 * A module of RTK Query's module system, of any name (such as
 * `reactHooksModule()` from `@reduxjs/toolkit/query/react`).
 *
 * @example
 * ```ts
 * const hooks: ChatApiModule = reactHooksModule();
 * ```
 */
export interface ChatApiModule {
  readonly name: symbol;
  init: ModuleInit;
}

function createLateModuleSlot() {
  let initArgs: InitArgs | null = null;
  const endpoints: InjectedEndpoint[] = [];
  const plugged = new Map<symbol, InitializedModule>();

  const slot: ChatApiModule = {
    name: Symbol('unet-chat-redux/late-modules'),
    init(api, options, context) {
      if (initArgs) throw new Error('unet-chat-redux: the late-module slot serves one API slice');
      // Kept with the types of any API slice: a module's `init` is generic over them.
      initArgs = [api, options, context] as unknown as InitArgs;
      return {
        injectEndpoint(...endpoint: InjectedEndpoint) {
          endpoints.push(endpoint);
          for (const module of plugged.values()) module.injectEndpoint(...endpoint);
        },
      };
    },
  };

  function plug(module: ChatApiModule): void {
    if (!initArgs) throw new Error('unet-chat-redux: the chat API slice does not exist yet');
    // Importing an entry twice (hot reload, two bundles of one module) must not rebuild its hooks.
    if (plugged.has(module.name)) return;
    const initialized = module.init(...initArgs);
    for (const endpoint of endpoints) initialized.injectEndpoint(...endpoint);
    plugged.set(module.name, initialized);
  }

  return { slot, plug };
}

const late = createLateModuleSlot();

/** RTK Query's `createApi` with the core module and the late-module slot: for `chatApi` only. */
export const createApi = buildCreateApi(coreModule(), late.slot as Module<CoreModule>);

/**
 * Initializes an RTK Query module for the chat's one API slice, as if it had
 * been given to `buildCreateApi` when the slice was created. The package's
 * own `unet-chat-redux/react` entry calls it with `reactHooksModule()`; a
 * host has no reason to.
 *
 * @internal
 * @example
 * ```ts
 * attachChatApiModule(reactHooksModule());
 * ```
 */
export function attachChatApiModule(module: ChatApiModule): void {
  late.plug(module);
}
