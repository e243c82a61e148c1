import { ACCESS_LEVELS, type RoleName } from '../../../entities/group-member.entity';

export { ACCESS_LEVELS, type RoleName };

export const ROLE_NAMES = Object.keys(ACCESS_LEVELS) as [RoleName, ...RoleName[]];

export function roleName(level: number): RoleName {
  const found = ROLE_NAMES.filter((r) => ACCESS_LEVELS[r] <= level).pop();
  return found ?? 'guest';
}
