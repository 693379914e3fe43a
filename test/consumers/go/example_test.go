package consumer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"
	"github.com/vpc-peering-external/cdk-vpc-peering-external-go/cdkvpcpeeringexternal"
)

func synth(t *testing.T, peeringID string, cidrs []string) map[string]interface{} {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(t.TempDir(), "cdk.out"))})
	stack := NewVpcExampleStack(app, "PeeringNewVpcExample", peeringID, cidrs)
	return *assertions.Template_FromStack(stack, nil).ToJSON()
}

func reference() string {
	if p := os.Getenv("CONSUMER_REFERENCE_TEMPLATE"); p != "" {
		return p
	}
	return filepath.Join("..", ".ci-work", "reference.json")
}

func TestTemplateEqualsTypeScriptExample(t *testing.T) {
	ref := reference()
	raw, err := os.ReadFile(ref)
	if err != nil {
		t.Fatalf("no reference template at %s (run test/consumers/run.sh or reference.ts): %v", ref, err)
	}
	var expected map[string]interface{}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatalf("reading %s: %v", ref, err)
	}
	actual := synth(t, PeeringID, ExternalCidrBlocks)

	differences := templateDiff(expected, actual)
	if len(differences) > 0 {
		if len(differences) > 60 {
			differences = differences[:60]
		}
		t.Fatalf("the Go template differs from the TypeScript example's (%s) in %d places:\n  %s",
			ref, len(differences), strings.Join(differences, "\n  "))
	}
	if !strings.Contains(fmt.Sprint(actual), "AWS::EC2::NetworkAclEntry") {
		t.Fatal("no NetworkAclEntry in the template")
	}
}

// In Go, a JavaScript error of the construct surfaces as a panic: recover it and check its message.
func expectPanicNaming(t *testing.T, prop string, build func()) {
	t.Helper()
	defer func() {
		r := recover()
		if r == nil {
			t.Fatalf("expected an error naming %s, got none", prop)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, prop) {
			t.Fatalf("the error should name %s: %s", prop, msg)
		}
	}()
	build()
}

// The construct writes its errors as Go writes the props (it knows the caller's language from the jsii runtime).
func TestBadPeeringIDNamesTheProp(t *testing.T) {
	expectPanicNaming(t, "VpcPeeringConnectionId", func() { synth(t, "abc", ExternalCidrBlocks) })
}

func TestBadCidrBlockNamesTheProp(t *testing.T) {
	expectPanicNaming(t, "ExternalCidrBlocks[0]", func() { synth(t, PeeringID, []string{"10.0.0.0/33"}) })
}

func TestAnErrorShowsTheFixAsGoWritesIt(t *testing.T) {
	expectPanicNaming(t, `e.g. ExternalCidrBlocks: &[]*string{jsii.String("10.200.0.0/16")}`, func() { synth(t, PeeringID, []string{}) })
}

// normalize drops what differs by language: resource Metadata, the CDKMetadata resource and condition, the
// BootstrapVersion parameter and the CheckBootstrapVersion rule. It round-trips through JSON for plain types.
func normalize(template map[string]interface{}) map[string]interface{} {
	raw, _ := json.Marshal(template)
	var t map[string]interface{}
	_ = json.Unmarshal(raw, &t)
	if resources, ok := t["Resources"].(map[string]interface{}); ok {
		for id, r := range resources {
			res, _ := r.(map[string]interface{})
			if res["Type"] == "AWS::CDK::Metadata" {
				delete(resources, id)
			} else {
				delete(res, "Metadata")
			}
		}
	}
	for section, key := range map[string]string{"Parameters": "BootstrapVersion", "Rules": "CheckBootstrapVersion", "Conditions": "CDKMetadataAvailable"} {
		if m, ok := t[section].(map[string]interface{}); ok {
			delete(m, key)
		}
	}
	for section, v := range t {
		if m, ok := v.(map[string]interface{}); ok && len(m) == 0 {
			delete(t, section)
		}
	}
	return t
}

func show(v interface{}) string {
	raw, _ := json.Marshal(v)
	s := string(raw)
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

func templateDiff(expected, actual map[string]interface{}) []string {
	var out []string
	diff(normalize(expected), normalize(actual), "", &out)
	return out
}

func diff(e, a interface{}, path string, out *[]string) {
	em, eIsMap := e.(map[string]interface{})
	am, aIsMap := a.(map[string]interface{})
	if eIsMap && aIsMap {
		keys := map[string]bool{}
		for k := range em {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			ev, inE := em[k]
			av, inA := am[k]
			switch {
			case !inA:
				*out = append(*out, fmt.Sprintf("%s: missing (expected %s)", sub, show(ev)))
			case !inE:
				*out = append(*out, fmt.Sprintf("%s: unexpected (got %s)", sub, show(av)))
			default:
				diff(ev, av, sub, out)
			}
		}
		return
	}
	el, eIsList := e.([]interface{})
	al, aIsList := a.([]interface{})
	if eIsList && aIsList {
		if len(el) != len(al) {
			*out = append(*out, fmt.Sprintf("%s: expected %d items %s, got %d items %s", path, len(el), show(el), len(al), show(al)))
			return
		}
		for i := range el {
			diff(el[i], al[i], fmt.Sprintf("%s[%d]", path, i), out)
		}
		return
	}
	if !reflect.DeepEqual(e, a) {
		*out = append(*out, fmt.Sprintf("%s: expected %s, got %s", path, show(e), show(a)))
	}
}

// A CfnParameter token crosses the jsii boundary as the peering id; the construct's properties are readable.
func TestTokenPeeringIDAndPublicProperties(t *testing.T) {
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(filepath.Join(t.TempDir(), "cdk.out"))})
	stack := awscdk.NewStack(app, jsii.String("TokenStack"), nil)
	peeringID := awscdk.NewCfnParameter(stack, jsii.String("PeeringId"), nil).ValueAsString()
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2)})
	peering := cdkvpcpeeringexternal.NewVpcPeeringExternal(stack, jsii.String("Peering"), &cdkvpcpeeringexternal.VpcPeeringExternalProps{
		Vpc:                    vpc,
		VpcPeeringConnectionId: peeringID,
		ExternalCidrBlocks:     jsii.Strings("10.200.0.0/16"),
		AllowOutbound:          &[]awsec2.AclTraffic{awsec2.AclTraffic_TcpPort(jsii.Number(443))},
		EphemeralPortRange:     &awsec2.AclPortRange{From: jsii.Number(32768), To: jsii.Number(60999)},
	})

	template := assertions.Template_FromStack(stack, nil)
	template.HasResourceProperties(jsii.String("AWS::EC2::Route"), map[string]interface{}{
		"VpcPeeringConnectionId": map[string]interface{}{"Ref": "PeeringId"},
	})
	template.HasResourceProperties(jsii.String("AWS::EC2::NetworkAclEntry"), map[string]interface{}{
		"PortRange": map[string]interface{}{"From": 32768, "To": 60999},
	})
	if n := len(*peering.Routes()); n != 2 {
		t.Fatalf("expected one route per private subnet's route table (2), got %d", n)
	}
	entries := template.FindResources(jsii.String("AWS::EC2::NetworkAclEntry"), nil)
	if got, want := len(*peering.NetworkAclEntries()), len(*entries); got != want {
		t.Fatalf("networkAclEntries has %d entries, the template %d", got, want)
	}
	if !strings.HasPrefix(*cdkvpcpeeringexternal.PeeringWarnings_SHADOWED_BY_LOWER_RULE(), "cdk-vpc-peering-external:") {
		t.Fatal("PeeringWarnings.SHADOWED_BY_LOWER_RULE")
	}
}
