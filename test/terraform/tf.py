"""The real Terraform CLI against the emulator: locate the CLI and the AWS provider's local mirror, write a root module
that holds a VPC and calls test/terraform/module with given inputs, and run init / apply / plan / state rm / destroy
in it.

Nothing reaches the network: the provider comes from a filesystem mirror only (`direct` excludes the registry),
the CLI's checkpoint call is disabled, and every AWS endpoint the provider may call is the emulator on 127.0.0.1.
A missing CLI or provider is an error that says what to install, never a skip.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from typing import Any

import emu

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.join(HERE, "module")
PROVIDER_VERSION = "5.100.0"
# Where images put plugin mirrors (the last two are Terraform's implied local mirror directories).
MIRROR_CANDIDATES = ["/opt/tf-plugins", "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins",
                     os.path.expanduser("~/.terraform.d/plugins"),
                     os.path.expanduser("~/.local/share/terraform/plugins")]


class ToolMissing(RuntimeError):
    pass


def terraform_binary() -> str:
    path = shutil.which(os.environ.get("TERRAFORM") or "terraform")
    if not path:
        raise ToolMissing("the Terraform CLI (1.11) is not on PATH: install it (https://developer.hashicorp.com/"
                          "terraform/install) or set TERRAFORM=/path/to/terraform")
    return path


def provider_mirror() -> str:
    """The root of a filesystem mirror holding hashicorp/aws PROVIDER_VERSION: TF_PROVIDER_MIRROR or a usual place."""
    roots = [os.environ["TF_PROVIDER_MIRROR"]] if os.environ.get("TF_PROVIDER_MIRROR") else MIRROR_CANDIDATES
    pattern = f"registry.terraform.io/hashicorp/aws/{PROVIDER_VERSION}/*/terraform-provider-aws*"
    for root in roots:
        if glob.glob(os.path.join(root, pattern)):
            return root
    raise ToolMissing(f"no filesystem mirror of the AWS provider {PROVIDER_VERSION} in {', '.join(roots)}: fill one "
                      f"with `terraform providers mirror <dir>` on a machine that reaches the registry and set "
                      f"TF_PROVIDER_MIRROR=<dir>")


def cli_config(path: str) -> str:
    with open(path, "w") as f:
        f.write(f"""provider_installation {{
  filesystem_mirror {{
    path    = "{provider_mirror()}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  direct {{
    exclude = ["registry.terraform.io/*/*"]
  }}
}}
disable_checkpoint = true
""")
    return path


# The rest of a user's root module, which the migration must leave alone: the VPC side (README step 4 removes the
# module's block from a root module that holds more than the module).
OTHER_RESOURCE = "aws_vpc.main"
OTHER_CIDR = "10.60.0.0/16"


def root_module(endpoint: str, with_module: bool = True) -> str:
    """A root module holding a VPC of its own (OTHER_RESOURCE) and, `with_module`, calling the reproduction with
    `var.inputs`; the provider pointed at the emulator."""
    endpoints = "\n".join(f'    {svc} = "{endpoint}"' for svc in ("ec2", "sts", "iam"))
    return f"""terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "= {PROVIDER_VERSION}"
    }}
  }}
}}

provider "aws" {{
  region                      = "{emu.REGION}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  endpoints {{
{endpoints}
  }}
}}

variable "inputs" {{
  type = any
}}

resource "aws_vpc" "main" {{
  cidr_block = "{OTHER_CIDR}"
}}
""" + (MODULE_BLOCK if with_module else "")


MODULE_BLOCK = f"""
module "peering" {{
  source = "{MODULE}"

  vpc_peering_connection_id                = var.inputs.vpc_peering_connection_id
  internal_vpc_route_table_ids             = var.inputs.internal_vpc_route_table_ids
  external_vpc_cidr_blocks                 = var.inputs.external_vpc_cidr_blocks
  network_acl_ids_with_external_vpc_access = var.inputs.network_acl_ids_with_external_vpc_access
  all_network_acl_ids                      = var.inputs.all_network_acl_ids
  protocol                                 = var.inputs.protocol
  outbound_from_port                       = var.inputs.outbound_from_port
  outbound_to_port                         = var.inputs.outbound_to_port
  ephemeral_from_port                      = var.inputs.ephemeral_from_port
  ephemeral_to_port                        = var.inputs.ephemeral_to_port
  egress_starting_rule_number              = var.inputs.egress_starting_rule_number
  ingress_starting_rule_number             = var.inputs.ingress_starting_rule_number
  egress_high_starting_rule_number         = var.inputs.egress_high_starting_rule_number
  ingress_high_starting_rule_number        = var.inputs.ingress_high_starting_rule_number
  enable_blanket_deny                      = var.inputs.enable_blanket_deny
}}
"""


class Terraform:
    """One working directory (root module, state, .terraform) holding one instance of the module."""

    def __init__(self, workdir: str) -> None:
        self.binary = terraform_binary()
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        endpoint = emu.endpoint()  # refuses anything but loopback
        self.endpoint = endpoint
        self._write_root_module(with_module=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        self.env.update({
            "TF_CLI_CONFIG_FILE": cli_config(os.path.join(workdir, "terraformrc")),
            "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1",
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": emu.REGION, "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        })

    def __call__(self, *args: str) -> str:
        cmd = [self.binary, *args]
        r = subprocess.run(cmd, cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=300)
        out = r.stdout + r.stderr
        assert r.returncode == 0, f"terraform {' '.join(args)} exited {r.returncode}:\n{out[-4000:]}"
        return out

    def init(self) -> None:
        self("init", "-input=false", "-no-color")

    def apply(self, inputs: dict[str, Any]) -> None:
        self._write_inputs(inputs)
        self("apply", "-auto-approve", "-input=false", "-no-color", "-var-file=inputs.tfvars.json")

    def destroy(self) -> None:
        self("destroy", "-auto-approve", "-input=false", "-no-color", "-var-file=inputs.tfvars.json")

    def state_list(self) -> list[str]:
        out = self("state", "list")
        return [line for line in out.splitlines() if line.strip()]

    def remove_module_block(self) -> None:
        """Delete the `module "peering"` block from the root module (README, migration step 4)."""
        self._write_root_module(with_module=False)

    def plan_to_file(self, plan_file: str) -> str:
        """`terraform plan -out=PLAN_FILE`: the plan as Terraform prints it."""
        return self("plan", f"-out={plan_file}", "-input=false", "-no-color", "-var-file=inputs.tfvars.json")

    def show_plan(self, plan_file: str) -> dict[str, Any]:
        """The saved plan as JSON (`terraform show -json`)."""
        return json.loads(self("show", "-json", "-no-color", plan_file))

    def apply_plan(self, plan_file: str) -> None:
        """`terraform apply PLAN_FILE`: exactly the plan that was read."""
        self("apply", "-input=false", "-no-color", plan_file)

    def state_rm(self, *addresses: str) -> None:
        self("state", "rm", "-no-color", *addresses)

    def _write_root_module(self, with_module: bool) -> None:
        with open(os.path.join(self.dir, "main.tf"), "w") as f:
            f.write(root_module(self.endpoint, with_module))

    def _write_inputs(self, inputs: dict[str, Any]) -> None:
        with open(os.path.join(self.dir, "inputs.tfvars.json"), "w") as f:
            json.dump({"inputs": inputs}, f, indent=1)
