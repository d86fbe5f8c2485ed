/** Who is logged in (`GET /api/me`, `POST /api/login`); every view takes it from the page's root. */
export interface SessionUser {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  /** Where the user may look (core/scope.ts texts, e.g. `province:Bắc Ninh`); absent: the whole country. */
  scope?: string[];
}

/**
 * Whether the user may act on alerts (acknowledge, silence). The buttons are shown to everyone
 * but enabled for operators and admins only; the server checks the role again.
 */
export function canAct(user: SessionUser | undefined): boolean {
  return user?.role === 'operator' || user?.role === 'admin';
}
