# cpu.py N mode(fresh|keep) kinds(info,lsrefs,fetch): gateway (18443) vs C git (18444); server CPU per request and wall per request, alternating sides
import ssl, http.client, sys, os, time, glob, statistics as st, subprocess
D=os.environ.get('PROBE_DIR','/tmp/gitedge-probe')
N=int(sys.argv[1]); mode=sys.argv[2]; kinds=sys.argv[3].split(',')
tok=open(D+'/token').read().strip()
HZ=os.sysconf('SC_CLK_TCK')
def pids_of(name):
  out=subprocess.run(['pgrep','-x',name],capture_output=True,text=True).stdout.split()
  return [int(p) for p in out]
def jvm_pid():
  out=subprocess.run(['ss','-ltnpH','sport = :18443'],capture_output=True,text=True).stdout
  import re; return int(re.search(r'pid=(\d+)',out).group(1))
def cpu(pids, children=False):
  t=0
  for p in pids:
    try: f=open('/proc/%d/stat'%p).read().rsplit(')',1)[1].split()
    except FileNotFoundError: continue
    t+=int(f[11])+int(f[12])+ (int(f[13])+int(f[14]) if children else 0)
  return t/HZ
JVM=jvm_pid()
def gw_cpu(): return cpu([JVM])
ng=[p for p in pids_of('nginx')]; fw=pids_of('fcgiwrap')
def cg_cpu(): return cpu(ng)+cpu(fw,True)
lsrefs=open(D+'/lsrefs.body','rb').read()
fetchbody=open(D+'/fetch.body','rb').read() if os.path.exists(D+'/fetch.body') else b''
sides={'gw':('127.0.0.1',18443,'/github.com/acme/small.git',D+'/gw/data/keys/tls.crt',{'Authorization':'Bearer '+tok},gw_cpu),
       'cg':('127.0.0.1',18444,'/git/github.com/acme/small.git',D+'/cg/cert.pem',{},cg_cpu)}
ctxs={s:ssl.create_default_context(cafile=v[3]) for s,v in sides.items()}
conns={}
def req(s,kind):
  host,port,base,ca,hdr,_=sides[s]
  c=conns.get(s) if mode=='keep' else None
  if c is None:
    c=http.client.HTTPSConnection(host,port,context=ctxs[s]); conns[s]=c
  h=dict(hdr); h['Git-Protocol']='version=2'
  if kind=='info':
    c.request('GET',base+'/info/refs?service=git-upload-pack',headers=h)
  else:
    h['Content-Type']='application/x-git-upload-pack-request'
    c.request('POST',base+'/git-upload-pack',body=lsrefs if kind=='lsrefs' else fetchbody,headers=h)
  r=c.getresponse(); b=r.read()
  if r.status!=200: raise SystemExit('%s %s %d %r'%(s,kind,r.status,b[:200]))
  if mode!='keep': c.close(); conns[s]=None
  return len(b)
for kind in kinds:
  res={}
  for s in sides: req(s,kind)  # warm this kind once
  for rnd in range(5):
    for s in sides:
      c0=sides[s][5](); t0=time.perf_counter()
      for i in range(N): n=req(s,kind)
      t1=time.perf_counter(); c1=sides[s][5]()
      res.setdefault(s,[]).append(((c1-c0)/N*1e3,(t1-t0)/N*1e3,n))
  for s,v in res.items():
    cp=sorted(x[0] for x in v); w=sorted(x[1] for x in v)
    print('%-6s %-5s %-4s server CPU/req %.2f ms (%.2f-%.2f)  wall/req %.2f ms (%.2f-%.2f)  %dB'%(kind,mode,s,st.median(cp),cp[0],cp[-1],st.median(w),w[0],w[-1],v[0][2]))
  g=st.median(x[0] for x in res['gw']); c=st.median(x[0] for x in res['cg'])
  print("   gw/cg server CPU %.2f"%(g/max(c,1e-9)))
