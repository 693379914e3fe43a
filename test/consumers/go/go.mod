module github.com/vpc-peering-external/cdk-vpc-peering-external-consumer-go

go 1.25.0

// aws-cdk-go v2.245.0 (the library's minimum, as in the other languages) is refused by the Go module proxy reachable
// here (403 "not available" for its zip); v2.257.0 is the oldest >= 2.245.0 it serves. The generated package asks for
// >= v2.245.0, so this is what a Go user's module would select too.
require (
	github.com/aws/aws-cdk-go/awscdk/v2 v2.257.0
	github.com/aws/constructs-go/constructs/v10 v10.5.1
	github.com/aws/jsii-runtime-go v1.140.0
	github.com/vpc-peering-external/cdk-vpc-peering-external-go/cdkvpcpeeringexternal v0.0.0
)

require (
	github.com/Masterminds/semver/v3 v3.5.0 // indirect
	github.com/cdklabs/awscdk-asset-awscli-go/awscliv1/v2 v2.2.273 // indirect
	github.com/cdklabs/awscdk-asset-node-proxy-agent-go/nodeproxyagentv6/v2 v2.1.3 // indirect
	github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v53 v53.28.0 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/yuin/goldmark v1.7.16 // indirect
	golang.org/x/lint v0.0.0-20241112194109-818c5a804067 // indirect
	golang.org/x/mod v0.39.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/telemetry v0.0.0-20260811182544-a038080d80e5 // indirect
	golang.org/x/tools v0.49.0 // indirect
	golang.org/x/tools/cmd/godoc v0.1.0-deprecated // indirect
	golang.org/x/tools/godoc v0.1.0-deprecated // indirect
)

// The Go package that `npx projen package:go` generates (jsii-pacmak writes it into dist/go/<package>).
replace github.com/vpc-peering-external/cdk-vpc-peering-external-go/cdkvpcpeeringexternal => ../../../dist/go/cdkvpcpeeringexternal

// The Go module proxy reachable here refuses this one version (403 "not available"); v53.25.0 is what awscdk v2.257.0
// itself requires. jsii-pacmak takes the version from node_modules/@aws-cdk/cloud-assembly-schema (package-lock).
replace github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v53 v53.28.0 => github.com/cdklabs/cloud-assembly-schema-go/awscdkcloudassemblyschema/v53 v53.25.0
