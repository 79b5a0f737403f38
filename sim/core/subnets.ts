/**
 * The simulator's network: one VPC, one subnet per AZ named `subnet-<AZ letter>0000000` — the Auto Scaling
 * groups' `VPCZoneIdentifier` and activities, the instances' `ecs.subnet-id`, EC2 DescribeSubnets. A
 * seeded snapshot's own subnets are known from its instances' `ecs.subnet-id`.
 */

/** The simulator's one VPC. */
export const SIM_VPC = 'vpc-0sim0000';

/** The simulator's subnet of `az`. */
export const simSubnet = (az: string): string => `subnet-${az.slice(-1)}0000000`;

/** The AZ of `subnet`, or undefined when the simulator does not know it. */
export const simSubnetZone = (
  region: string,
  subnet: string,
  known?: ReadonlyMap<string, string>,
): string | undefined =>
  known?.get(subnet) ?? (/^subnet-[a-z]0000000$/.test(subnet) ? `${region}${subnet.charAt(7)}` : undefined);
