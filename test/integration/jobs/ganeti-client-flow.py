#!/usr/bin/python3
"""Drives a real alkor cluster's RAPI with Ganeti's own client (Debian's
python3-ganeti-rapi), unchanged, the way a Ganeti tool would: it reads the
cluster, submits jobs and waits for them with WaitForJobChange, takes an
instance through its life, and prints what it saw as one JSON object.

Usage: ganeti-client-flow.py HOST PORT USER PASSWORD NODE
"""
import json
import sys

from ganeti.rapi import client


def wait(c, job_id):
  """Waits as gnt-* tools do: WaitForJobChange until the job has ended."""
  info, serial = None, None
  while True:
    change = c.WaitForJobChange(job_id, ["status"], info, serial)
    if change is None:
      continue
    info = change["job_info"]
    for entry in change["log_entries"]:
      serial = entry[0]
    if info[0] in ("success", "error", "canceled"):
      return info[0]


def main():
  host, port, user, password, node = sys.argv[1:6]
  c = client.GanetiRapiClient(host, port=int(port), username=user, password=password)
  out = {}
  out["info"] = c.GetInfo()
  out["nodes"] = c.GetNodes()
  out["nodes_bulk"] = c.GetNodes(bulk=True)
  out["node"] = c.GetNode(node)
  job = c.AddClusterTags(["from-ganeti", "owner:rapi"])
  out["add_tags_job"] = job
  out["add_tags_status"] = wait(c, job)
  out["job_status"] = c.GetJobStatus(job)
  out["tags_after_add"] = c.GetClusterTags()
  out["delete_tags_status"] = wait(c, c.DeleteClusterTags(["from-ganeti"]))
  out["tags_after_delete"] = c.GetClusterTags()
  out["drain_status"] = wait(c, c.SetNodeRole(node, "drained", force=True))
  out["role_drained"] = c.GetNodeRole(node)
  out["regular_status"] = wait(c, c.SetNodeRole(node, "regular", force=True))
  out["role_regular"] = c.GetNodeRole(node)
  out["jobs"] = c.GetJobs()
  # An instance's life, as a Ganeti tool drives it: create, query, stop, start, remove.
  out["create_status"] = wait(c, c.CreateInstance("create", "ganeti1", "diskless", [], [{}], os="alkor-image+blank",
                                                  pnode=node, hypervisor="kvm", ip_check=False, name_check=False,
                                                  beparams={"memory": 128, "vcpus": 1}))
  out["instance_created"] = c.GetInstance("ganeti1")
  out["shutdown_status"] = wait(c, c.ShutdownInstance("ganeti1", timeout=10))
  out["instance_stopped"] = c.GetInstance("ganeti1")
  out["startup_status"] = wait(c, c.StartupInstance("ganeti1"))
  out["instance_started"] = c.GetInstance("ganeti1")
  info_job = c.GetInstanceInfo("ganeti1")
  out["instance_info_status"] = wait(c, info_job)
  out["instance_info"] = c.GetJobStatus(info_job)["opresult"][0]
  out["remove_status"] = wait(c, c.DeleteInstance("ganeti1"))
  out["instances_after_remove"] = c.GetInstances()
  print(json.dumps(out))


if __name__ == "__main__":
  main()
