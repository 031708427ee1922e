#!/usr/bin/python3
"""Drives alkor's RAPI with Ganeti's own client (Debian's python3-ganeti-rapi),
unchanged, and prints what each call returned as one JSON object.

Usage: ganeti-client.py HOST PORT USER PASSWORD
"""
import json
import sys

from ganeti.rapi import client


def main():
  host, port, user, password = sys.argv[1:5]
  c = client.GanetiRapiClient(host, port=int(port), username=user, password=password)
  out = {}
  out["version"] = c.GetVersion()
  out["features"] = c.GetFeatures()
  out["info"] = c.GetInfo()
  out["nodes"] = c.GetNodes()
  out["nodes_bulk"] = c.GetNodes(bulk=True)
  out["node"] = c.GetNode("node2.alkor.test")
  out["node_role"] = c.GetNodeRole("node1.alkor.test")
  out["jobs"] = c.GetJobs()
  out["jobs_bulk"] = c.GetJobs(bulk=True)
  out["job_status"] = c.GetJobStatus(2)
  out["wait_first"] = c.WaitForJobChange(3, ["status"], None, None)
  out["wait_ended"] = c.WaitForJobChange(1, ["status"], ["success"], 1)
  out["add_tags"] = c.AddClusterTags(["rapi1", "rapi2"], dry_run=True)
  out["cluster_tags"] = c.GetClusterTags()
  out["delete_tags"] = c.DeleteClusterTags(["benchtag"])
  out["add_node_tags"] = c.AddNodeTags("node2.alkor.test", ["rack:b"])
  out["set_role"] = c.SetNodeRole("node2.alkor.test", "drained", force=True)
  out["query"] = c.Query("node", ["name", "role"], qfilter=["=", "role", "M"])
  out["query_fields"] = c.QueryFields("job", ["id", "status"])
  out["cancel"] = c.CancelJob(3)
  try:
    c.GetNode("nosuch.alkor.test")
  except client.GanetiApiError as err:
    out["missing_node"] = [err.code, str(err)]
  print(json.dumps(out))


if __name__ == "__main__":
  main()
