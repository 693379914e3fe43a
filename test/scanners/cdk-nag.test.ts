/**
 * cdk-nag's AwsSolutions, NIST 800-53 R5 and HIPAA Security packs on the construct's resources, the accepter's function
 * and role included (each template read back as L1s, cdk-nag.ts says why): on the example, integ and case templates
 * (shipped-templates.ts) no finding is left, and every suppression the construct writes (`cdk_nag` metadata) silences
 * a finding the resource trips without it, with a reason.
 */
import { findings, nagTemplate } from './cdk-nag';
import { shippedTemplates, withoutSuppressions } from './shipped-templates';

describe('the example, integ and case templates, every resource an L1', () => {
  const shipped = shippedTemplates();

  test.each(shipped.map(s => [s.name, s] as const))('%s: no finding left on the construct\'s resources, no error', (_, { template, constructResources }) => {
    const results = nagTemplate(template);
    expect(findings(results, constructResources, 'non-compliant')).toEqual([]);
    expect(findings(results, constructResources, 'error')).toEqual([]);
    for (const r of results.filter(x => x.status === 'suppressed' && constructResources.includes(x.logicalId))) {
      expect([r.rule, r.reason!.length > 80]).toEqual([r.rule, true]);
    }
  });

  test.each(shipped.filter(s => s.constructResources.length > 0).map(s => [s.name, s] as const))('%s: without the metadata, the packs report exactly what it suppresses', (_, { template, constructResources }) => {
    const suppressed = findings(nagTemplate(template), constructResources, 'suppressed');
    expect(suppressed.length).toBeGreaterThan(0);
    expect(findings(nagTemplate(withoutSuppressions(template)), constructResources, 'non-compliant')).toEqual(suppressed);
  });

  test('the packs check the accepter\'s function, role and log group: without the metadata, each has its findings', () => {
    const { template } = shipped.find(s => s.name.startsWith('example PeeringNewVpcExample'))!;
    const bare = nagTemplate(withoutSuppressions(template));
    const of = (prefix: string) => bare.filter(r => r.status === 'non-compliant' && r.logicalId.startsWith(prefix)).map(r => r.rule).sort();
    expect(of('VpcPeeringAccepterCustomResourceProviderHandler')).toEqual([
      'AwsSolutions-L1',
      'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC',
      'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC',
    ]);
    expect(of('VpcPeeringAccepterCustomResourceProviderRole')).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:vpc-peering-connection/*]',
      'HIPAA.Security-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMNoInlinePolicy',
    ]);
    expect(of('VpcPeeringAccepterCustomResourceProviderLogGroup')).toEqual([
      'HIPAA.Security-CloudWatchLogGroupEncrypted', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
    ]);
  });
});
