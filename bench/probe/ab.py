# ab.py N ROUNDS kind mode : gateway A (18443) vs B (18445), alternating batches of N requests
import ssl, http.client, sys, os, time, re, subprocess, statistics as st
D=os.environ.get('PROBE_DIR','/tmp/gitedge-probe')
N=int(sys.argv[1]); R=int(sys.argv[2]); kind=sys.argv[3]; mode=sys.argv[4]
tok=open(D+'/token').read().strip(); HZ=os.sysconf('SC_CLK_TCK')
ports={'A':18443,'B':18445}
def pid(port): return int(re.search(r'pid=(\d+)',subprocess.run(['ss','-ltnpH','sport = :%d'%port],capture_output=True,text=True).stdout).group(1))
pids={s:pid(p) for s,p in ports.items()}
def cpu(p, only=None):
  t=0
  for tid in os.listdir('/proc/%d/task'%p):
    try:
      f=open('/proc/%d/task/%s/stat'%(p,tid)).read()
      if only and only not in f[f.index('('):f.rindex(')')]: continue
      x=f.rsplit(')',1)[1].split(); t+=int(x[11])+int(x[12])
    except FileNotFoundError: pass
  return t/HZ
body={'lsrefs':open(D+'/lsrefs.body','rb').read(),'fetch':open(D+'/fetch.body','rb').read()}
ctx={s:ssl.create_default_context(cafile=D+'/gw%s/data/keys/tls.crt'%s) for s in ports}
conn={}
def req(s):
  c=conn.get(s)
  if c is None or mode=='fresh': c=http.client.HTTPSConnection('127.0.0.1',ports[s],context=ctx[s]); conn[s]=c
  h={'Authorization':'Bearer '+tok,'Git-Protocol':'version=2'}
  if kind=='info': c.request('GET','/github.com/acme/small.git/info/refs?service=git-upload-pack',headers=h)
  else:
    h['Content-Type']='application/x-git-upload-pack-request'; c.request('POST','/github.com/acme/small.git/git-upload-pack',body=body[kind],headers=h)
  r=c.getresponse(); b=r.read(); assert r.status==200,(s,r.status,b)
  if mode=='fresh': c.close()
res={s:[] for s in ports}
for rnd in range(R):
  for s in (ports if rnd%2==0 else list(ports)[::-1]):
    p=pids[s]; a=cpu(p,'gitedge-https'); A=cpu(p); t=time.perf_counter()
    for i in range(N): req(s)
    w=(time.perf_counter()-t)/N*1e3; b=cpu(p,'gitedge-https'); B=cpu(p)
    res[s].append(((b-a)/N*1e3,(B-A)/N*1e3,w))
for s,v in res.items():
  f=lambda i: (st.median(x[i] for x in v), min(x[i] for x in v), max(x[i] for x in v))
  print('%s %s %s: request threads %.2f ms/req (%.2f-%.2f), whole JVM %.2f (%.2f-%.2f), wall %.2f (%.2f-%.2f)'%((s,kind,mode)+f(0)+f(1)+f(2)))
print('B/A request-thread CPU %.2f, JVM CPU %.2f, wall %.2f'%tuple(st.median(x[i] for x in res['B'])/max(1e-9,st.median(x[i] for x in res['A'])) for i in range(3)))
