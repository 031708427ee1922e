#!/usr/bin/python3
"""Drives alkor's RAPI instance resources with Ganeti's own client (Debian's
python3-ganeti-rapi), unchanged, and prints what each call returned as one
JSON object.

Usage: ganeti-client-instances.py HOST PORT USER PASSWORD
"""
import json
import sys

from ganeti.rapi import client


def main():
  host, port, user, password = sys.argv[1:5]
  c = client.GanetiRapiClient(host, port=int(port), username=user, password=password)
  out = {}
  out["features"] = c.GetFeatures()
  out["create"] = c.CreateInstance("create", "rapi-sample", "diskless", [], [{}],
                                   os_type="noop", pnode="node1.alkor.test", hypervisor="kvm",
                                   no_install=True, ip_check=False, name_check=False, start=False,
                                   beparams={"memory": 128, "vcpus": 1})
  out["create_dry"] = c.CreateInstance("create", "new2.alkor.test", "plain", [{"size": 1024}], [{"mac": "auto"}],
                                       os="debootstrap+default", dry_run=True)
  out["instances"] = c.GetInstances()
  out["instances_bulk"] = c.GetInstances(bulk=True)
  out["instance"] = c.GetInstance("inst1.alkor.test")
  out["startup"] = c.StartupInstance("inst2.alkor.test", no_remember=True)
  out["shutdown"] = c.ShutdownInstance("inst1.alkor.test", timeout=30)
  out["reboot"] = c.RebootInstance("inst1.alkor.test", reboot_type="soft", ignore_secondaries=False)
  out["modify"] = c.ModifyInstance("inst2.alkor.test", beparams={"maxmem": 256}, osparams={"dhcp": "no"})
  out["delete"] = c.DeleteInstance("inst2.alkor.test")
  out["job_status"] = c.GetJobStatus(out["create"])
  out["wait"] = c.WaitForJobChange(out["create"], ["status"], None, None)
  out["os"] = c.GetOperatingSystems()
  out["tags"] = c.GetInstanceTags("inst1.alkor.test")
  try:
    c.GetInstance("missing.alkor.test")
  except client.GanetiApiError as err:
    out["missing"] = [err.code, str(err)]
  print(json.dumps(out))


if __name__ == "__main__":
  main()
