import sys,re,collections
# jfrtree.py file.txt ROOTFRAME depth : breakdown of samples under ROOTFRAME by callee path
txt=open(sys.argv[1]).read(); root=sys.argv[2]; depth=int(sys.argv[3]) if len(sys.argv)>3 else 1
c=collections.Counter(); n=0; tot=0
for e in txt.split('jdk.ExecutionSample')[1:]:
  if 'stackTrace = [' not in e: continue
  tot+=1
  frames=re.findall(r'^\s+([\w$.<>/]+)\(',e.split('stackTrace = [',1)[1],re.M)
  if root not in frames: continue
  n+=1; i=frames.index(root)
  path=frames[max(0,i-depth):i][::-1]
  c[' > '.join(p.rsplit('.',2)[-2]+'.'+p.rsplit('.',1)[-1] for p in path) if path else '(self)']+=1
print('%d of %d samples under %s'%(n,tot,root))
for k,v in c.most_common(40): print('%5.1f%% %s'%(100*v/n,k))
