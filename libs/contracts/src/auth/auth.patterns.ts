export const AuthPattern = {
  Register: 'auth.register',
  Login: 'auth.login',
  Refresh: 'auth.refresh',
  Logout: 'auth.logout',
  Me: 'auth.me',
  UpdateMe: 'auth.me.update',
} as const;
