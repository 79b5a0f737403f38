/**
 * The simulator's subnets: one per AZ, `subnet-<AZ letter>0000000` (the Auto Scaling world names its
 * groups' subnets so too); a seeded snapshot's own subnets are known from its instances' `ecs.subnet-id`.
 */

/** The AZ of `subnet`, or undefined when the simulator does not know it. */
export const simSubnetZone = (
  region: string,
  subnet: string,
  known?: ReadonlyMap<string, string>,
): string | undefined =>
  known?.get(subnet) ?? (/^subnet-[a-z]0000000$/.test(subnet) ? `${region}${subnet.charAt(7)}` : undefined);
