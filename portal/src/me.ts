import { useQuery } from '@tanstack/react-query';
import { api, ok, setCsrfToken } from './api/client';
import type { components } from './api/schema';

export type Me = components['schemas']['Me'];

/** Who is signed in (GET /v1/me); its CSRF token is sent with every change from then on. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const me = await ok(api.GET('/v1/me'));
      setCsrfToken(me.csrfToken);
      return me;
    },
  });
}
