// Package consumer is a Go CDK app that uses the Go package of cdk-vpc-peering-external that jsii-pacmak generates,
// as a user would.
package consumer

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/vpc-peering-external/cdk-vpc-peering-external-go/cdkvpcpeeringexternal"
)

// PeeringID and ExternalCidrBlocks are the example's inputs.
var (
	PeeringID          = "pcx-0123456789abcdef0"
	ExternalCidrBlocks = []string{"10.200.0.0/16"}
)

// NewVpcExampleStack is the Go twin of NewVpcExampleStack (example/stacks.ts); the peering id and CIDR blocks can be
// swapped for the error tests.
func NewVpcExampleStack(scope constructs.Construct, id string, peeringID string, externalCidrBlocks []string) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), nil)

	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		IpAddresses: awsec2.IpAddresses_Cidr(jsii.String("10.0.0.0/16")),
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(1),
		FlowLogs: &map[string]*awsec2.FlowLogOptions{
			"all": {
				Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(
					awslogs.NewLogGroup(stack, jsii.String("FlowLogs"), &awslogs.LogGroupProps{
						Retention: awslogs.RetentionDays_ONE_MONTH,
					}),
					nil,
				),
			},
		},
	})

	cdkvpcpeeringexternal.NewVpcPeeringExternal(stack, jsii.String("Elasticsearch"), &cdkvpcpeeringexternal.VpcPeeringExternalProps{
		Vpc:                    vpc,
		VpcPeeringConnectionId: jsii.String(peeringID),
		ExternalCidrBlocks:     jsii.Strings(externalCidrBlocks...),
		AllowOutbound: &[]awsec2.AclTraffic{
			awsec2.AclTraffic_TcpPort(jsii.Number(443)),
			awsec2.AclTraffic_TcpPort(jsii.Number(9200)),
		},
	})

	return stack
}
