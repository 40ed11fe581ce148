export interface MeRequest {
  userId: string;
}
